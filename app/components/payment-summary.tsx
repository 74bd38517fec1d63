import { Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import type { ChargebackState, PaymentStatus } from "#db/schema/payments";
import { formatMoney } from "~/utils/money";
import { PaymentStatusBadge } from "./payment-status";

interface Summary {
  id: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  status: PaymentStatus;
  chargebackState: ChargebackState | null;
  methodLabel: string | null;
  createdAt: string;
  succeededAt: string | null;
  allocations: Array<{ invoiceId: string; number: string; amount: number; discount: number; amountRefunded: number }>;
}


/** A payment's facts and the invoices it paid: the receipt, for payers and staff. */
export function PaymentSummary({ payment, invoiceHref }: { payment: Summary; invoiceHref: (id: string) => string }) {
  const money = (m: number) => formatMoney(m, payment.currency);
  const discounted = payment.allocations.some((a) => a.discount > 0);
  return (
    <>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-4">
        <div>
          <dt className="text-sm text-slate-600">Amount</dt>
          <dd className="font-semibold tabular-nums" data-testid="payment-amount">
            {money(payment.amount)}
          </dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">Status</dt>
          <dd>
            <PaymentStatusBadge status={payment.status} amount={payment.amount} amountRefunded={payment.amountRefunded} chargebackState={payment.chargebackState} />
          </dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">Method</dt>
          <dd>{payment.methodLabel ?? "—"}</dd>
        </div>
        <div>
          <dt className="text-sm text-slate-600">{payment.succeededAt ? "Paid on" : "Started"}</dt>
          <dd><LocalTime iso={payment.succeededAt ?? payment.createdAt} /></dd>
        </div>
        <div className="col-span-2 sm:col-span-4">
          <dt className="text-sm text-slate-600">Reference</dt>
          <dd className="font-mono text-sm">{payment.id}</dd>
        </div>
      </dl>
      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Invoices in this payment</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Invoice</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
              {discounted ? <th scope="col" className="px-3 py-2 text-right font-semibold">Early-payment discount</th> : null}
              {discounted ? <th scope="col" className="px-3 py-2 text-right font-semibold">Settled</th> : null}
              {payment.amountRefunded > 0 ? <th scope="col" className="px-3 py-2 text-right font-semibold">Refunded</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {payment.allocations.map((a) => (
              <tr key={a.invoiceId}>
                <td className="px-3 py-2">
                  <Link to={invoiceHref(a.invoiceId)} className="text-brand-700 underline">
                    {a.number}
                  </Link>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{money(a.amount)}</td>
                {discounted ? (
                  <td className="px-3 py-2 text-right tabular-nums" data-testid={`discount-${a.number}`}>
                    {a.discount > 0 ? money(a.discount) : "—"}
                  </td>
                ) : null}
                {discounted ? <td className="px-3 py-2 text-right tabular-nums">{money(a.amount + a.discount)}</td> : null}
                {payment.amountRefunded > 0 ? <td className="px-3 py-2 text-right tabular-nums">{money(a.amountRefunded)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
