import { env } from "~/env.server";
import { now } from "~/utils/clock";

/** The date on the company's calendar (COMPANY_TIME_ZONE) at `at`, as YYYY-MM-DD. */
export function companyDate(at: Date = now()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: env().COMPANY_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Today on the company's calendar: the day whose terms (discount window) apply. */
export function companyToday(): string {
  return companyDate(now());
}

/** The instant the company's next day begins (its midnight), after `at`. */
export function nextCompanyMidnight(at: Date = now()): Date {
  const today = companyDate(at);
  // Step forward by hours until the company's date changes, then back to its first minute: exact
  // across DST changes without a time-zone library.
  let probe = new Date(at.getTime());
  while (companyDate(probe) === today) probe = new Date(probe.getTime() + 3_600_000);
  let lo = probe.getTime() - 3_600_000;
  let hi = probe.getTime();
  while (hi - lo > 1_000) {
    const mid = Math.floor((lo + hi) / 2);
    if (companyDate(new Date(mid)) === today) lo = mid;
    else hi = mid;
  }
  return new Date(Math.ceil(hi / 1000) * 1000);
}
