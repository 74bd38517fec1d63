import { eq } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { db } from "~/db.server";
import { isProblem, type Problem } from "~/utils/problem";
import { readAnalyticsFilters, type AnalyticsFilters } from "./analytics-filters";
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
  const filters = readAnalyticsFilters(params);
  if (isProblem(filters)) return filters;
  const resolved = await resolveAnalyticsScope(filters);
  if (isProblem(resolved)) return resolved;
  let collectorName: string | null = null;
  if (filters.collector) {
    const [user] = await db.select({ name: users.name }).from(users).where(eq(users.id, filters.collector)).limit(1);
    collectorName = user?.name ?? filters.collector;
  }
  return { ...resolved, filters, period: periodEnding(resolved.asOf, resolved.months), collectorName };
}

/** `page` from the query: a positive whole number, else 1. */
export function pageOf(params: Record<string, string>): number {
  const page = Number(params.page);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}
