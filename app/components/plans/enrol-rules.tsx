import type { PlanPolicyRules } from "#db/schema/plan-values";
import { frequencyLabels } from "~/modules/plans/schedule";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

function listText(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** The AR team's rules, in the payer's words, above the enrol form. */
export function EnrolRules({ rules, today, currency }: { rules: PlanPolicyRules; today: string; currency: string }) {
  const frequencyWords = listText(rules.frequencies.map((f) => frequencyLabels[f].toLowerCase()));
  return (
    <section aria-labelledby="rules-heading" className="mt-4 max-w-prose rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="rules-heading" className="font-semibold">
        How payment plans work
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-800">
        <li>
          Pay in 2 to {rules.maxInstallments} installments, {frequencyWords}.
        </li>
        <li>
          The first installment falls within {rules.firstInstallmentWithinDays} days (by {formatDate(addDays(today, rules.firstInstallmentWithinDays))}), and the last within{" "}
          {rules.maxTermDays} days of today.
        </li>
        <li>Plans start at {formatMoney(rules.minTotal, currency)}. Invoices in dispute, or with a payment under way, cannot go on a plan.</li>
        {rules.downPaymentPercent > 0 ? <li>A down payment of {rules.downPaymentPercent}% of the total is charged as soon as the plan starts; the rest is split into the installments.</li> : null}
        {rules.approvalThreshold !== null ? (
          <li>Plans above {formatMoney(rules.approvalThreshold, currency)} are reviewed by our team before they start; nothing is charged until they are approved.</li>
        ) : null}
        <li>Each installment is charged automatically on its date. If a charge fails we try again, and you can pay any installment early or pay off the rest at any time.</li>
      </ul>
    </section>
  );
}
