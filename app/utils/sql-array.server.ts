import { sql, type SQL } from "drizzle-orm";

/**
 * A list of strings as one `text[]` parameter (`= any(…)`): a batch of 2,000 ids stays one
 * bound value instead of 2,000, and the planner sees one array. Elements are quoted, so commas,
 * quotes and braces in a value cannot change the array.
 */
export function textArray(values: readonly string[]): SQL {
  return sql`${textArrayLiteral(values)}::text[]`;
}

/** The array literal `textArray` binds: `{"a","b"}` (the bench swaps it for another batch's). */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}
