import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

const SOURCE_LABELS = { credit_memo: "Credit memo", overpayment: "Overpayment" } as const;

/** "Credits available: USD 50.00" on the payer's invoice list, with the credits behind it. */
export function CreditsAvailable({ credits }: { credits: Array<{ id: string; source: keyof typeof SOURCE_LABELS; reason: string; currency: string; available: number; createdAt: string }> }) {
  if (credits.length === 0) return null;
  // Per currency: amounts are never summed across currencies.
  const totals = new Map<string, number>();
  for (const c of credits) totals.set(c.currency, (totals.get(c.currency) ?? 0) + c.available);
  return (
    <section aria-labelledby="credits-available" className="mt-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <p id="credits-available" className="font-semibold" data-testid="credits-available">
        Credits available:{" "}
        {[...totals]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, amount]) => formatMoney(amount, currency))
          .join(", ")}
      </p>
      <p className="text-sm text-slate-600">Money you have with us that no invoice uses yet. Once applied to an invoice, it lowers what you owe on it.</p>
      <details className="mt-2">
        <summary className="cursor-pointer py-1 text-sm font-medium text-brand-700 underline">See the credits</summary>
        <ul className="mt-2 divide-y divide-slate-100 text-sm">
          {credits.map((c) => (
            <li key={c.id} className="flex flex-wrap justify-between gap-2 py-2">
              <span>
                {SOURCE_LABELS[c.source]} of {formatDate(c.createdAt.slice(0, 10))}
                <span className="block text-slate-600">{c.reason}</span>
              </span>
              <span className="font-semibold tabular-nums">{formatMoney(c.available, c.currency)}</span>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
