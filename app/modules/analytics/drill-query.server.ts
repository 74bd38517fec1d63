import { eq } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { db } from "~/db.server";
import { invalid, isProblem, type Problem } from "~/utils/problem";
import { singleLineProblem } from "~/utils/text";
import { analyticsFilters, type AnalyticsFilters } from "./analytics-filters";
import { periodEnding, type Period } from "./receivables-formulas";
import { resolveAnalyticsScope, type ResolvedAnalytics } from "./resolve-analytics-scope.server";

/** The dashboard's filters as a drill-down reads them: parsed, resolved, and named for its header. */
export interface DrillScope extends ResolvedAnalytics {
  filters: AnalyticsFilters;
  period: Period;
  /** The collector filter's name (the filter carries a user id). */
  collectorName: string | null;
}

/**
 * Parses the filters with the dashboard's schema and resolves them with its defaults, so a
 * drill-down lists exactly what the figure it came from summed. A bad filter is one `invalid`
 * Problem naming every wrong field.
 */
export async function drillScope(params: Record<string, string>): Promise<DrillScope | Problem> {
  // The filters reach SQL as parameters: a NUL would be a database error, not a refusal.
  for (const field of ["customer", "segment", "collector"] as const) {
    const problem = params[field] ? singleLineProblem(params[field]) : null;
    if (problem) return invalid(`These filters are not valid: ${field}: ${problem}`, { fields: { [field]: problem } });
  }
  const parsed = analyticsFilters.safeParse(params);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "query"), i.message]));
    return invalid(`These filters are not valid: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(" ")}`, { fields });
  }
  const resolved = await resolveAnalyticsScope(parsed.data);
  if (isProblem(resolved)) return resolved;
  let collectorName: string | null = null;
  if (parsed.data.collector) {
    const [user] = await db.select({ name: users.name }).from(users).where(eq(users.id, parsed.data.collector)).limit(1);
    collectorName = user?.name ?? parsed.data.collector;
  }
  return { ...resolved, filters: parsed.data, period: periodEnding(resolved.asOf, resolved.months), collectorName };
}

/** `page` from the query: a positive whole number, else 1. */
export function pageOf(params: Record<string, string>): number {
  const page = Number(params.page);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}
