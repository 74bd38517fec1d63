/**
 * Reads the dashboard's filters (`analytics-query.ts` names them) from a query string, for the
 * dashboard and its drill-downs alike: a wrong value is one `invalid` Problem naming each field.
 */
import { z } from "zod";
import { isCalendarDate } from "~/utils/dates";
import { hasLoneSurrogate } from "~/utils/nul";
import { invalid, type Problem } from "~/utils/problem";
import { CONTROL_CHARACTERS_MESSAGE, singleLineProblem } from "~/utils/text";
import { ANALYTICS_MAX_MONTHS, analyticsPeriods, type AnalyticsFilters } from "./analytics-query";

export * from "./analytics-query";

const blankAsUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value);

export const analyticsFilters = z.object({
  currency: z.preprocess(blankAsUndefined, z.string().regex(/^[A-Za-z]{3}$/, "Choose a three-letter currency code such as USD.").transform((c) => c.toUpperCase()).optional()),
  period: z.preprocess(blankAsUndefined, z.enum(analyticsPeriods, { message: "Choose month, quarter, 12 months or custom." }).default("quarter")),
  months: z.preprocess(blankAsUndefined, z.coerce.number({ message: "Months must be a whole number." }).int("Months must be a whole number.").min(1, "At least 1 month.").max(ANALYTICS_MAX_MONTHS, `At most ${ANALYTICS_MAX_MONTHS} months.`).optional()),
  as_of: z.preprocess(blankAsUndefined, z.string().refine(isCalendarDate, "Use a date (YYYY-MM-DD).").optional()),
  segment: z.preprocess(blankAsUndefined, z.string().max(60).optional()),
  collector: z.preprocess(blankAsUndefined, z.string().max(60).optional()),
  customer: z.preprocess(blankAsUndefined, z.string().max(100).optional()),
}) satisfies z.ZodType<AnalyticsFilters, unknown>;

/**
 * The query string read into filters. Text PostgreSQL cannot take or a filter should never hold
 * (control characters, U+0000, lone surrogates, line breaks) is refused here, before any SQL.
 * The message lists each field's problem (the drill-downs show it alone; the dashboard puts each
 * beside its field).
 */
export function readAnalyticsFilters(query: Record<string, string>): AnalyticsFilters | Problem {
  const unreadable = Object.fromEntries(
    Object.keys(analyticsFilters.shape)
      .filter((k) => query[k] !== undefined)
      .map((k) => [k, singleLineProblem(query[k]!) ?? (hasLoneSurrogate(query[k]!) ? CONTROL_CHARACTERS_MESSAGE : null)] as const)
      .filter(([, problem]) => problem !== null),
  ) as Record<string, string>;
  const parsed = Object.keys(unreadable).length > 0 ? null : analyticsFilters.safeParse(query);
  if (parsed?.success) return parsed.data;
  const fields = parsed ? Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "query"), i.message])) : unreadable;
  return invalid(`Some filters are not valid: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join(" ")}`, { fields });
}
