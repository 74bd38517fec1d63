import { useEffect, useState } from "react";
import { formatInstant } from "~/utils/dates";

/**
 * An instant in the viewer's time zone. The server does not know the zone, so it renders UTC
 * (named), and the browser rewrites it after hydration: the first client render matches the
 * server's HTML (no hydration mismatch), then the effect localises it. `dateTime` keeps the
 * exact instant for machines; the title shows UTC for anyone comparing with logs.
 */
export function LocalTime({ iso, dateOnly = false, className }: { iso: string; dateOnly?: boolean; className?: string }) {
  const utc = formatInstant(iso, { timeZone: "UTC", dateOnly });
  const [text, setText] = useState(utc);
  useEffect(() => setText(formatInstant(iso, { dateOnly })), [iso, dateOnly]);
  return (
    <time dateTime={iso} title={dateOnly ? undefined : utc} className={className}>
      {text}
    </time>
  );
}
