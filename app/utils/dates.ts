/** Due dates are calendar dates ("YYYY-MM-DD"); the business day boundary is UTC. */

const DAY_MS = 86_400_000;

/**
 * "YYYY-MM-DD" naming a day that exists (2024-02-29 yes, 2023-02-29 and 2024-13-45 no), in years
 * 1000–9999. `Date.parse` alone is not enough: V8 reads "2024-02-30" as March 1.
 */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function toIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  return toIsoDate(new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

const display = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

/** "2026-11-24" → "Nov 24, 2026" */
export function formatDate(isoDate: string): string {
  return display.format(new Date(`${isoDate}T00:00:00Z`));
}

interface InstantFormats {
  date: Intl.DateTimeFormat;
  dateTime: Intl.DateTimeFormat;
  zoneName: Intl.DateTimeFormat;
}

// One set per time zone ("" = the runtime's own): building an Intl.DateTimeFormat (which
// toLocaleString does on each call) costs far more than formatting with one, once per table row.
const instantFormats = new Map<string, InstantFormats>();

function instantFormatsFor(timeZone: string | undefined): InstantFormats {
  let formats = instantFormats.get(timeZone ?? "");
  if (!formats) {
    formats = {
      date: new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone }),
      dateTime: new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }),
      zoneName: new Intl.DateTimeFormat("en-US", { timeZoneName: "short", timeZone }),
    };
    instantFormats.set(timeZone ?? "", formats);
  }
  return formats;
}

/**
 * An instant (ISO timestamp) as "Nov 24, 2026, 1:05 PM EST" in `timeZone` (the browser's when
 * undefined), or "Nov 24, 2026" with `dateOnly`. The zone is named unless `dateOnly`: a time
 * without its zone is ambiguous. Calendar dates (due dates) are not instants: use formatDate.
 */
export function formatInstant(iso: string, options: { timeZone?: string; dateOnly?: boolean } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const formats = instantFormatsFor(options.timeZone);
  if (options.dateOnly) return formats.date.format(date);
  const text = formats.dateTime.format(date);
  const zone = formats.zoneName.formatToParts(date).find((p) => p.type === "timeZoneName")?.value;
  return zone ? `${text} ${zone}` : text;
}
