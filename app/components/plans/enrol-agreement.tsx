import type { EnrolPreview } from "~/modules/plans/enrol-preview";
import { frequencyLabels } from "~/modules/plans/schedule";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { ScheduleTable } from "./schedule-table";

/**
 * Step 3 of enrolling: the schedule the payer agrees to, in a sentence and a table, and for a US
 * bank account the debit authorization (the mandate's words, with every debit listed).
 */
export function EnrolAgreement({ preview, frequency, companyName }: { preview: EnrolPreview; frequency: string; companyName: string }) {
  const money = (minor: number) => formatMoney(minor, preview.currency ?? "USD");
  const installments = preview.schedule.filter((s) => s.sequence > 0);
  const first = installments[0];
  const last = installments[installments.length - 1];
  const howOften = Object.hasOwn(frequencyLabels, frequency) ? frequencyLabels[frequency as keyof typeof frequencyLabels].toLowerCase() : "";
  return (
    <>
      <p className="text-sm text-slate-800" aria-live="polite">
        {!first || !last
          ? preview.chosen === 0
            ? "Choose one or more invoices to see your schedule."
            : "Fix the problems above to see your schedule."
          : `${preview.downPayment > 0 ? `A down payment of ${money(preview.downPayment)} when the plan starts, then ` : ""}${installments.length} ${howOften} installments from ${formatDate(first.dueDate)} to ${formatDate(last.dueDate)}: ${money(preview.total)} in all.`}
      </p>
      {preview.schedule.length > 0 && preview.currency ? (
        <>
          <ScheduleTable caption="Your schedule" rows={preview.schedule} currency={preview.currency} />
          {preview.currency === "USD" ? (
            <div className="rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
              <h3 className="font-semibold">If you pay by bank account</h3>
              <p className="mt-1">
                If you choose a US bank account, you authorize {companyName} to debit it for the installments above, on or after each date shown, in the amounts shown (recurring
                debits). If a debit fails we may retry it. You can revoke this authorization at any time by contacting us or replacing the payment method; revoking does not
                affect debits already initiated.
              </p>
              <p className="mt-2">The debits you authorize:</p>
              <ul className="mt-1 list-disc pl-5 tabular-nums">
                {preview.schedule.map((s) => (
                  <li key={s.sequence}>
                    {money(s.amount)} on or after {formatDate(s.dueDate)}
                    {s.sequence === 0 ? " (down payment, charged when the plan starts)" : ` (installment ${s.sequence} of ${installments.length})`}
                  </li>
                ))}
              </ul>
              <p className="mt-2">Total: {money(preview.total)}.</p>
            </div>
          ) : (
            <p className="text-sm text-slate-800">The installments above are charged to the card you authorize, on each date shown.</p>
          )}
        </>
      ) : null}
    </>
  );
}
