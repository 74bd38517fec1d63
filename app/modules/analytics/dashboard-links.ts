import { filterQuery, type AnalyticsFilters, type DrillFigure } from "./analytics-query";

/** The invoices behind a figure, with the dashboard's filters (currency and as-of date resolved). */
export const invoicesDrill = (filters: Partial<AnalyticsFilters>, figure: DrillFigure) => `/admin/analytics/invoices?${filterQuery(filters, { figure })}`;

/** The payments, credits and reversals dated in the period (what moved CEI). */
export const movementsDrill = (filters: Partial<AnalyticsFilters>) => `/admin/analytics/movements?${filterQuery(filters)}`;

/** Every drill-down link of the dashboard, built on the server (the filters' schema stays out of the page's JS). */
export function dashboardLinks(filters: Partial<AnalyticsFilters>, previousEnd: string) {
  return {
    ar_total: invoicesDrill(filters, "ar_total"),
    ar_overdue: invoicesDrill(filters, "ar_overdue"),
    current: invoicesDrill(filters, "current"),
    days_1_30: invoicesDrill(filters, "days_1_30"),
    days_31_60: invoicesDrill(filters, "days_31_60"),
    days_61_90: invoicesDrill(filters, "days_61_90"),
    days_over_90: invoicesDrill(filters, "days_over_90"),
    credit_sales: invoicesDrill(filters, "credit_sales"),
    /** Beginning AR is open AR on the day before the period: the same drill at that date. */
    ar_beginning: invoicesDrill({ ...filters, as_of: previousEnd }, "ar_total"),
    movements: movementsDrill(filters),
  };
}
export type DashboardLinks = ReturnType<typeof dashboardLinks>;
