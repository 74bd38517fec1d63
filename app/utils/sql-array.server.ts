import { sql, type SQL } from "drizzle-orm";

/**
 * A list of strings as one `text[]` parameter (`= any(…)`): a batch of 2,000 ids stays one
 * bound value instead of 2,000, and the planner sees one array. Elements are quoted, so commas,
 * quotes and braces in a value cannot change the array.
 */
export function textArray(values: readonly string[]): SQL {
  const literal = `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
  return sql`${literal}::text[]`;
}
