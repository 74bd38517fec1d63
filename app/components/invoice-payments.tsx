import { Link } from "@remix-run/react";
import type { PaymentStatus } from "#db/schema/payments";
import { LocalTime } from "~/components/local-time";
import { formatMoney } from "~/utils/money";
import { paymentIs } from "~/modules/payments/payment-states";

interface InvoicePayment {
  id: string;
  status: PaymentStatus;
  /** What this payment put on this invoice. */
  amount: number;
  currency: string;
  methodLabel: string | null;
  createdAt: string;
  succeededAt: string | null;
}

/**
 * How an invoice was paid: when, with what, and links to each payment and its receipt. A paid
 * invoice says so in one sentence first ("Paid in full on … with Visa •••• 4242").
 */
export function InvoicePayments({
  payments,
  settled,
  amountPaid,
  amountCredited,
  currency,
}: {
  payments: InvoicePayment[];
  settled: boolean;
  amountPaid: number;
  amountCredited: number;
  currency: string;
}) {
  const paid = payments.filter((p) => paymentIs("paid", p.status));
  if (paid.length === 0 && amountCredited === 0 && !settled) return null;
  const last = paid[0];
  return (
    <section aria-labelledby="invoice-payments-heading" className="mt-6">
      <h2 id="invoice-payments-heading" className="text-lg font-semibold">
        Payments
      </h2>
      {settled ? (
        <p className="mt-1" data-testid="invoice-settled">
          {last ? (
            <>
              Paid in full on <LocalTime iso={last.succeededAt ?? last.createdAt} dateOnly />
              {last.methodLabel ? ` with ${last.methodLabel}` : ""}
              {amountCredited > 0 ? `, after a credit of ${formatMoney(amountCredited, currency)}` : ""}.
            </>
          ) : amountPaid === 0 && amountCredited > 0 ? (
            `Settled by a credit of ${formatMoney(amountCredited, currency)}: nothing was paid.`
          ) : (
            // Paid outside the portal (recorded by the AR team): no portal payment or receipt.
            "Paid in full."
          )}
        </p>
      ) : null}
      {paid.length > 0 ? (
        <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
          {paid.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-3 py-2 text-sm">
              <span>
                <span className="font-medium tabular-nums">{formatMoney(p.amount, p.currency)}</span> on <LocalTime iso={p.succeededAt ?? p.createdAt} />
                {p.methodLabel ? <span className="block text-slate-700">{p.methodLabel}</span> : null}
              </span>
              <span className="flex gap-4">
                <Link to={`/payments/${p.id}`} className="inline-flex min-h-6 items-center text-brand-700 underline" aria-label={`Payment of ${formatMoney(p.amount, p.currency)}`}>
                  Payment
                </Link>
                <a href={`/payments/${p.id}/receipt`} download className="inline-flex min-h-6 items-center text-brand-700 underline" aria-label={`Receipt for the payment of ${formatMoney(p.amount, p.currency)} (PDF)`}>
                  Receipt (PDF)
                </a>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
