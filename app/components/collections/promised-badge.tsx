import { formatDate } from "~/utils/dates";

/** "Promised by Dec 20": an invoice under an open promise to pay (reminders wait until then). */
export function PromisedBadge({ promisedFor }: { promisedFor: string }) {
  const day = formatDate(promisedFor).replace(/, \d{4}$/, "");
  return (
    <span className="mt-1 block w-fit rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-violet-900" data-testid="promised-badge">
      Promised by {day}
    </span>
  );
}
