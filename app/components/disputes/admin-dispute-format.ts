/** Display helpers for the AR team's dispute pages. Times are shown in UTC, as elsewhere in /admin. */

const DAY_MS = 86_400_000;

const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dateOnly = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

/** "Nov 24, 2026, 1:05 PM UTC" */
export function formatDateTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}

/** "Nov 24, 2026" */
export function formatDay(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** How long ago something was opened, in whole days: "Today", "1 day", "12 days". */
export function ageText(createdAt: string, now: string): string {
  const days = Math.floor((Date.parse(now) - Date.parse(createdAt)) / DAY_MS);
  if (days <= 0) return "Today";
  return days === 1 ? "1 day" : `${days} days`;
}
