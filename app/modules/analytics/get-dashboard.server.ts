import { asc, inArray } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { segments } from "#db/schema/collections";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { addDays } from "~/utils/dates";
import { forbidden, isProblem, type Problem } from "~/utils/problem";
import type { AnalyticsFilters } from "./analytics-query";
import { collectionActivity, type CollectionActivity } from "./collection-activity.server";
import { disputeFigures, type DisputeFigures } from "./dispute-figures.server";
import { receivablesFigures, type ReceivablesFigures } from "./receivables-figures.server";
import { monthsEnding, periodEnding } from "./receivables-formulas";
import { bookCurrencies, resolveAnalyticsScope, type ResolvedAnalytics } from "./resolve-analytics-scope.server";
import { topOverdueAccounts, type OverdueAccount } from "./top-overdue-accounts.server";

export interface TrendPoint {
  asOf: string;
  dsoSimpleDays: number | null;
  dsoCountbackDays: number | null;
  ceiPercent: number | null;
}

export interface Dashboard {
  /** The filters as applied: currency and as-of date filled in, so links reproduce the same figures. */
  filters: AnalyticsFilters & { currency: string; as_of: string };
  customer: ResolvedAnalytics["customer"];
  figures: ReceivablesFigures;
  /** The same figures for the period just before (ending the day before this one starts). */
  previous: ReceivablesFigures;
  /** Twelve month ends up to the as-of date, oldest first, each over the filters' period length. */
  trend: TrendPoint[];
  topOverdue: OverdueAccount[];
  disputes: DisputeFigures;
  activity: CollectionActivity;
}

/** What the filter form offers: the currencies of the book (most used first), segments and the AR team. */
export interface DashboardChoices {
  currencies: string[];
  segments: string[];
  collectors: Array<{ id: string; name: string }>;
}

/**
 * The AR dashboard (/admin): the receivables figures with their change against the previous
 * period and a 12-month trend (one call: three statements for all fourteen dates), the top overdue
 * accounts, disputes, promises and reminders in the same scope and period. For the AR team.
 */
export async function getDashboard(actor: Actor, filters: AnalyticsFilters): Promise<Dashboard | Problem> {
  if (!isStaffActor(actor)) return forbidden("The AR dashboard is for the AR team.");
  const resolved = await resolveAnalyticsScope(filters);
  if (isProblem(resolved)) return resolved;
  const { scope, asOf, months, customer } = resolved;
  const trendDates = monthsEnding(asOf, 12).map((m) => m.end);
  const previousEnd = addDays(periodEnding(asOf, months).start, -1);
  const period = periodEnding(asOf, months);

  const [all, topOverdue, disputes, activity] = await Promise.all([
    receivablesFigures(scope, [...trendDates, previousEnd], months),
    topOverdueAccounts(scope, asOf),
    disputeFigures(scope, period),
    collectionActivity(scope, period),
  ]);
  const figures = all[0]!;
  const previous = all.at(-1)!;
  const trend = all
    .slice(0, trendDates.length)
    .reverse()
    .map((f) => ({ asOf: f.asOf, dsoSimpleDays: f.dsoSimpleDays, dsoCountbackDays: f.dsoCountbackDays, ceiPercent: f.ceiPercent }));
  return { filters: { ...filters, currency: scope.currency, as_of: asOf }, customer, figures, previous, trend, topOverdue, disputes, activity };
}

/** The filter form's choices. */
export async function dashboardChoices(actor: Actor): Promise<DashboardChoices | Problem> {
  if (!isStaffActor(actor)) return forbidden("The AR dashboard is for the AR team.");
  const [currencies, segmentRows, collectors] = await Promise.all([
    bookCurrencies(),
    db.select({ name: segments.name }).from(segments).orderBy(asc(segments.name)),
    db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.role, ["ar_agent", "ar_admin"])).orderBy(asc(users.name)),
  ]);
  return { currencies, segments: segmentRows.map((s) => s.name), collectors };
}
