/**
 * The dashboard's filters as a query string, shared by /admin (the dashboard), its drill-downs
 * (/admin/analytics/invoices, /admin/analytics/movements) and their CSV exports, so a drill-down
 * link carries exactly the filters of the figure it came from. No zod here: pages use this to
 * build links (the schema that reads them is `analytics-filters.ts`, server side). Parameters:
 *   currency  ISO code (default: the book's busiest currency, chosen by the server)
 *   period    month | quarter | year | custom (default quarter); custom reads `months`
 *   months    1–36, only with period=custom
 *   as_of     YYYY-MM-DD, the period's last day (default today on the portal's clock)
 *   segment   a segment's name; collector: a staff user's id; customer: an account's number or external id
 * Drill-downs add `figure` (invoices) — see `drillFigures`.
 */
export const analyticsPeriods = ["month", "quarter", "year", "custom"] as const;
export type AnalyticsPeriod = (typeof analyticsPeriods)[number];
export const PERIOD_MONTHS: Record<Exclude<AnalyticsPeriod, "custom">, number> = { month: 1, quarter: 3, year: 12 };
export const ANALYTICS_MAX_MONTHS = 36;

export interface AnalyticsFilters {
  currency?: string;
  period: AnalyticsPeriod;
  months?: number;
  as_of?: string;
  segment?: string;
  collector?: string;
  customer?: string;
}

/** The figures a drill-down lists the invoices of (at `as_of`, within the filters). */
export const drillFigures = ["ar_total", "ar_overdue", "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "credit_sales"] as const;
export type DrillFigure = (typeof drillFigures)[number];

/** The period's length in months the filters ask for. */
export function filterMonths(filters: AnalyticsFilters): number {
  return filters.period === "custom" ? (filters.months ?? 1) : PERIOD_MONTHS[filters.period];
}

/** The query string of the filters (only those set), to carry them into a link. */
export function filterQuery(filters: Partial<AnalyticsFilters>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) {
    if (value === undefined || value === null || value === "") continue;
    if (key === "months" && filters.period !== "custom") continue;
    params.set(key, String(value));
  }
  return params.toString();
}
