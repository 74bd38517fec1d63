import { Link } from "@remix-run/react";
import { LocalTime } from "~/components/local-time";
import type { DisputeStatus } from "#db/schema/disputes";
import type { PaymentStatus } from "#db/schema/payments";
import { formatMoney } from "~/utils/money";
import { DisputeStatusBadge } from "./dispute-status";

export interface AdminCustomerContext {
  balances: Array<{ currency: string; openBalance: number; openCount: number; overdueBalance: number; overdueCount: number }>;
  otherDisputes: Array<{ id: string; status: DisputeStatus; amount: number; currency: string; invoiceNumber: string; createdAt: string }>;
  recentPayments: Array<{ id: string; status: PaymentStatus; amount: number; currency: string; methodLabel: string | null; createdAt: string }>;
}

const paymentStatusLabels: Record<PaymentStatus, string> = {
  pending: "Awaiting payment",
  processing: "Processing",
  succeeded: "Paid",
  failed: "Failed",
  canceled: "Canceled",
};

/** What the clerk needs beside the dispute: balances, the customer's other disputes, recent payments. */
export function AdminDisputeCustomerContext({ accountId, accountName, context }: { accountId: string; accountName: string; context: AdminCustomerContext }) {
  return (
    <aside aria-labelledby="context-heading" className="min-w-0 space-y-5 self-start rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="context-heading" className="text-lg font-semibold">
        About{" "}
        <Link to={`/admin/customers/${accountId}`} className="text-brand-700 underline">
          {accountName}
        </Link>
      </h2>

      <section aria-labelledby="context-balances">
        <h3 id="context-balances" className="font-semibold">
          Balances
        </h3>
        {context.balances.length === 0 ? (
          <p className="mt-1 text-sm">Nothing open.</p>
        ) : (
          <ul className="mt-1 space-y-2 text-sm">
            {context.balances.map((b) => (
              <li key={b.currency}>
                <p>
                  <span className="font-semibold tabular-nums">{formatMoney(b.openBalance, b.currency)}</span> open ({b.openCount} {b.openCount === 1 ? "invoice" : "invoices"})
                </p>
                <p className="text-slate-700">
                  {formatMoney(b.overdueBalance, b.currency)} overdue ({b.overdueCount})
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="context-disputes">
        <h3 id="context-disputes" className="font-semibold">
          Other disputes
        </h3>
        {context.otherDisputes.length === 0 ? (
          <p className="mt-1 text-sm">None.</p>
        ) : (
          <ul className="mt-1 space-y-2 text-sm">
            {context.otherDisputes.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <Link to={`/admin/disputes/${d.id}`} className="text-brand-700 underline">
                  {d.invoiceNumber}
                </Link>
                <span className="tabular-nums">{formatMoney(d.amount, d.currency)}</span>
                <DisputeStatusBadge status={d.status} />
                <span className="text-slate-700"><LocalTime iso={d.createdAt} dateOnly /></span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="context-payments">
        <h3 id="context-payments" className="font-semibold">
          Recent payments
        </h3>
        {context.recentPayments.length === 0 ? (
          <p className="mt-1 text-sm">None.</p>
        ) : (
          <ul className="mt-1 space-y-2 text-sm">
            {context.recentPayments.map((p) => (
              <li key={p.id} className="flex flex-wrap gap-x-2 gap-y-1">
                <Link to={`/admin/payments/${p.id}`} className="text-brand-700 underline">
                  <LocalTime iso={p.createdAt} dateOnly />
                </Link>
                <span className="tabular-nums">{formatMoney(p.amount, p.currency)}</span>
                <span>{paymentStatusLabels[p.status]}</span>
                {p.methodLabel ? <span className="text-slate-700">{p.methodLabel}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
