import { Link } from "@remix-run/react";
import type { AgingBuckets, Statement } from "~/modules/invoices/types";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

const buckets: Array<[keyof AgingBuckets, string]> = [
  ["current", "Current"],
  ["days1to30", "1–30 days"],
  ["days31to60", "31–60 days"],
  ["days61to90", "61–90 days"],
  ["over90", "Over 90 days"],
];

/** Statement of account: aging summary and open items for each currency. */
export function StatementView({ statement, invoiceHref }: { statement: Statement; invoiceHref: (id: string) => string }) {
  if (statement.sections.length === 0) {
    return <p className="mt-4 rounded-lg bg-white p-6 ring-1 ring-slate-200">No open items: nothing is owed on this account.</p>;
  }
  return (
    <>
      {statement.sections.map((section) => {
        const money = (minor: number) => formatMoney(minor, section.currency);
        return (
          <section key={section.currency} className="mt-6" aria-labelledby={`aging-${section.currency}`}>
            <h2 id={`aging-${section.currency}`} className="text-lg font-semibold">
              {section.currency} — {money(section.total)} open
            </h2>
            <dl className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-6">
              {buckets.map(([key, label]) => (
                <div key={key} className="rounded-lg bg-white p-3 ring-1 ring-slate-200">
                  <dt className="text-xs text-slate-600">{label}</dt>
                  <dd className={`font-semibold tabular-nums ${key !== "current" && section.aging[key] > 0 ? "text-red-800" : ""}`} data-testid={`aging-${section.currency}-${key}`}>
                    {money(section.aging[key])}
                  </dd>
                </div>
              ))}
              <div className="rounded-lg bg-white p-3 ring-1 ring-slate-200">
                <dt className="text-xs text-slate-600">Total</dt>
                <dd className="font-semibold tabular-nums">{money(section.total)}</dd>
              </div>
            </dl>
            <div className="mt-3 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">Open items in {section.currency}</caption>
                <thead className="bg-slate-50">
                  <tr>
                    <th scope="col" className="px-3 py-2 text-left font-semibold">Invoice</th>
                    <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Issued</th>
                    <th scope="col" className="px-3 py-2 text-left font-semibold">Due</th>
                    <th scope="col" className="px-3 py-2 text-right font-semibold">Days late</th>
                    <th scope="col" className="hidden px-3 py-2 text-right font-semibold sm:table-cell">Original</th>
                    <th scope="col" className="px-3 py-2 text-right font-semibold">Balance</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {section.items.map((item) => (
                    <tr key={item.id}>
                      <td className="px-3 py-2">
                        <Link to={invoiceHref(item.id)} className="text-brand-700 underline">
                          {item.number}
                        </Link>
                        {item.poNumber ? <span className="block text-xs text-slate-600">PO {item.poNumber}</span> : null}
                      </td>
                      <td className="hidden px-3 py-2 whitespace-nowrap sm:table-cell">{formatDate(item.issueDate)}</td>
                      <td className="px-3 py-2 whitespace-nowrap">{formatDate(item.dueDate)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{item.daysPastDue > 0 ? item.daysPastDue : "—"}</td>
                      <td className="hidden px-3 py-2 text-right tabular-nums sm:table-cell">{money(item.total)}</td>
                      <td className="px-3 py-2 text-right font-medium tabular-nums">{money(item.balance)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </>
  );
}
