import { Link } from "@remix-run/react";
import type { PaymentStatus } from "#db/schema/payments";
import { PaymentStatusBadge } from "~/components/payment-status";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

const th = "px-3 py-2 font-semibold";
const frame = "mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200";

/** The invoices a plan pays: what each owed when it joined and what it owes now. */
export function PlanInvoicesTable(props: {
  invoices: Array<{ id: string; number: string; dueDate: string; enrolled: number; balance: number; status: string }>;
  currency: string;
  /** "/invoices" for the payer, "/admin/invoices" for staff. */
  linkBase: string;
}) {
  const money = (m: number) => formatMoney(m, props.currency);
  return (
    <div className={frame}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Invoices on this plan, with the amount enrolled and the balance now</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={`${th} text-left`}>Invoice</th>
            <th scope="col" className={`${th} hidden text-left sm:table-cell`}>Due</th>
            <th scope="col" className={`${th} text-right`}>On the plan</th>
            <th scope="col" className={`${th} text-right`}>Balance now</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {props.invoices.map((inv) => (
            <tr key={inv.id}>
              <td className="px-3 py-2 whitespace-nowrap">
                <Link to={`${props.linkBase}/${inv.id}`} className="font-medium text-brand-700 underline">
                  {inv.number}
                </Link>
                {inv.status === "void" ? <span className="ml-2 text-xs text-slate-600">(void)</span> : null}
              </td>
              <td className="hidden px-3 py-2 whitespace-nowrap sm:table-cell">{formatDate(inv.dueDate)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{money(inv.enrolled)}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{money(inv.balance)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The payments made on a plan (installment charges and the payer's own), newest first. */
export function PlanPaymentsTable(props: {
  payments: Array<{ id: string; amount: number; amountRefunded: number; status: PaymentStatus; methodLabel: string | null; createdAt: string; failureMessage: string | null }>;
  currency: string;
  /** "/payments" for the payer, "/admin/payments" for staff. */
  linkBase: string;
}) {
  if (props.payments.length === 0) return <p className="mt-2 rounded-lg bg-white p-4 text-slate-700 ring-1 ring-slate-200">No payments on this plan yet.</p>;
  return (
    <div className={frame}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Payments made on this plan, newest first</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={`${th} text-left`}>Date</th>
            <th scope="col" className={`${th} text-left`}>Status</th>
            <th scope="col" className={`${th} hidden text-left sm:table-cell`}>Method</th>
            <th scope="col" className={`${th} text-right`}>Amount</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {props.payments.map((p) => (
            <tr key={p.id}>
              <td className="px-3 py-2 whitespace-nowrap">
                <Link to={`${props.linkBase}/${p.id}`} className="text-brand-700 underline">
                  {formatDate(p.createdAt.slice(0, 10))}
                </Link>
              </td>
              <td className="px-3 py-2">
                <PaymentStatusBadge status={p.status} amount={p.amount} amountRefunded={p.amountRefunded} />
                {p.status === "failed" && p.failureMessage ? <span className="mt-1 block text-xs text-red-900">{p.failureMessage}</span> : null}
              </td>
              <td className="hidden px-3 py-2 sm:table-cell">{p.methodLabel ?? "—"}</td>
              <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{formatMoney(p.amount, props.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
