import { Link } from "@remix-run/react";
import type { InvoiceDetail } from "~/modules/invoices/types";
import { bpsToPercent } from "~/modules/terms/payment-terms";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { StatusBadge } from "./status-badge";

/**
 * An invoice as a document: header facts, lines and totals, its payment terms and late fees.
 * Used by payers and staff; `invoiceHref` links a related invoice (a fee's invoice, an invoice's fees).
 */
export function InvoiceView({ invoice, invoiceHref }: { invoice: InvoiceDetail; invoiceHref: (id: string) => string }) {
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const { label: termsLabel, discountBps, discountUntil } = invoice.paymentTerms;
  // "Net 30" from the back office, with "2/10 net 30" when the label does not already say it.
  const terms = termsLabel && termsLabel.toLowerCase() !== invoice.terms.trim().toLowerCase() ? `${invoice.terms} (${termsLabel})` : invoice.terms;
  const facts: Array<[string, string]> = [
    ["Issued", formatDate(invoice.issueDate)],
    ["Due", formatDate(invoice.dueDate)],
    ["Terms", terms],
    ...(discountBps !== null && discountUntil ? [["Early-payment discount", `${bpsToPercent(discountBps)} % if paid by ${formatDate(discountUntil)}`] as [string, string]] : []),
    ["PO number", invoice.poNumber ?? "—"],
    ["Customer", `${invoice.account.name} (${invoice.account.number})`],
  ];
  return (
    <>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Invoice {invoice.number}</h1>
        <StatusBadge status={invoice.displayStatus} />
        {invoice.amountDisputed > 0 ? <span className="inline-block rounded-full bg-orange-100 px-2 py-0.5 text-xs font-semibold text-orange-900">In dispute</span> : null}
      </div>
      {invoice.lateFeeFor ? (
        <p className="mt-1 text-sm text-slate-700" data-testid="late-fee-for">
          Late fee on{" "}
          <Link to={invoiceHref(invoice.lateFeeFor.id)} className="text-brand-700 underline">
            invoice {invoice.lateFeeFor.number}
          </Link>
        </p>
      ) : null}
      {invoice.displayStatus === "overdue" ? (
        <p className="mt-1 font-medium text-red-800">
          {invoice.daysPastDue} {invoice.daysPastDue === 1 ? "day" : "days"} past due
        </p>
      ) : null}

      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-3 lg:grid-cols-5">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-sm text-slate-600">{label}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>

      <h2 className="mt-6 text-lg font-semibold">Lines</h2>
      <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">
                Description
              </th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">
                Qty
              </th>
              <th scope="col" className="hidden px-3 py-2 text-right font-semibold sm:table-cell">
                Unit price
              </th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">
                Amount
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {invoice.lines.map((line) => (
              <tr key={line.position}>
                <td className="px-3 py-2">
                  {line.description}
                  {line.sku ? <span className="block text-xs text-slate-600">SKU {line.sku}</span> : null}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{Number(line.quantity).toLocaleString("en-US", { maximumFractionDigits: 3 })}</td>
                <td className="hidden px-3 py-2 text-right tabular-nums sm:table-cell">{money(line.unitAmount)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{money(line.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <dl className="mt-4 ml-auto max-w-sm space-y-1 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200" aria-label="Totals">
        <Row label="Subtotal" value={money(invoice.subtotal)} />
        <Row label={invoice.taxLabel ?? "Tax"} value={money(invoice.taxTotal)} />
        <Row label="Total" value={money(invoice.total)} strong />
        <Row label="Amount paid" value={money(invoice.amountPaid)} />
        {invoice.amountCredited > 0 ? <Row label="Credited" value={money(invoice.amountCredited)} testId="invoice-credited" /> : null}
        {invoice.amountDiscounted > 0 ? <Row label="Early-payment discount taken" value={money(invoice.amountDiscounted)} testId="invoice-discount-taken" /> : null}
        <Row label="Balance due" value={money(invoice.balance)} strong testId="invoice-balance" />
        {invoice.amountPending > 0 ? <Row label="Payment pending" value={money(invoice.amountPending)} testId="invoice-pending" /> : null}
        {invoice.amountDisputed > 0 ? <Row label="In dispute (on hold)" value={money(invoice.amountDisputed)} testId="invoice-disputed" /> : null}
      </dl>
      {invoice.memo ? <p className="mt-4 text-sm text-slate-700">Note: {invoice.memo}</p> : null}
      {invoice.lateFees.length > 0 ? (
        <section aria-labelledby="late-fees-heading" className="mt-6">
          <h2 id="late-fees-heading" className="text-lg font-semibold">
            Late fees on this invoice
          </h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white text-sm ring-1 ring-slate-200">
            {invoice.lateFees.map((fee) => (
              <li key={fee.id} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-3 py-2">
                <Link to={invoiceHref(fee.id)} className="text-brand-700 underline">
                  Invoice {fee.number}
                </Link>
                <span className="text-slate-700">{formatDate(fee.issueDate)}</span>
                <span className="tabular-nums">
                  {money(fee.total)}
                  {fee.balance > 0 ? `, ${money(fee.balance)} due` : fee.status === "void" ? ", void" : ", paid"}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function Row({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div className={`flex justify-between gap-4 ${strong ? "border-t border-slate-200 pt-1 font-semibold" : ""}`}>
      <dt>{label}</dt>
      <dd className="tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
