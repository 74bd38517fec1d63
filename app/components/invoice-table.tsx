import { Link, useLocation } from "@remix-run/react";
import type { InvoiceRow } from "~/modules/invoices/list-invoices.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { StatusBadge } from "./status-badge";

type Sort = "due" | "issued" | "number" | "total" | "balance";

function SortHeader({ label, column, sort, dir, className = "" }: { label: string; column: Sort; sort: Sort; dir: "asc" | "desc"; className?: string }) {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const active = sort === column;
  params.set("sort", column);
  params.set("dir", active && dir === "asc" ? "desc" : "asc");
  params.delete("page");
  return (
    <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined} className={`px-3 py-2 text-left font-semibold ${className}`}>
      <Link to={`${location.pathname}?${params}`} className="underline-offset-2 hover:underline">
        {label}
        {active ? <span aria-hidden="true">{dir === "asc" ? " ▲" : " ▼"}</span> : null}
      </Link>
    </th>
  );
}

/** The invoice table shared by the payer list and the admin search. */
export function InvoiceTable({
  rows,
  sort,
  dir,
  hrefFor,
  showCustomer = false,
  selectForm,
}: {
  rows: InvoiceRow[];
  sort: Sort;
  dir: "asc" | "desc";
  hrefFor: (id: string) => string;
  showCustomer?: boolean;
  /**
   * The id of a form that open invoices can be ticked into (the payer's "Pay selected" and
   * "Set up a payment plan"). Invoices already on a plan cannot be ticked: they are paid from it.
   */
  selectForm?: string;
}) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-slate-800">
          <tr>
            {selectForm ? (
              <th scope="col" className="w-10 px-3 py-2 text-left font-semibold">
                <span className="sr-only">Select to pay</span>
              </th>
            ) : null}
            <SortHeader label="Invoice" column="number" sort={sort} dir={dir} />
            {showCustomer ? (
              <th scope="col" className="px-3 py-2 text-left font-semibold">
                Customer
              </th>
            ) : null}
            <SortHeader label="Issued" column="issued" sort={sort} dir={dir} className="hidden md:table-cell" />
            <SortHeader label="Due" column="due" sort={sort} dir={dir} />
            <th scope="col" className="px-3 py-2 text-left font-semibold">
              Status
            </th>
            <SortHeader label="Total" column="total" sort={sort} dir={dir} className="hidden text-right sm:table-cell" />
            <SortHeader label="Balance" column="balance" sort={sort} dir={dir} className="text-right" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} className="hover:bg-slate-50">
              {selectForm ? (
                <td className="px-3 py-2">
                  {row.balance > 0 && row.displayStatus !== "void" && row.displayStatus !== "on_plan" ? (
                    <input type="checkbox" name="invoice" value={row.id} form={selectForm} aria-label={`Select ${row.number} to pay`} className="h-4 w-4" />
                  ) : null}
                </td>
              ) : null}
              <td className="px-3 py-2">
                <Link to={hrefFor(row.id)} className="font-medium text-brand-700 underline" data-column="number">
                  {row.number}
                </Link>
                {row.poNumber ? <span className="block text-xs text-slate-600">PO {row.poNumber}</span> : null}
              </td>
              {showCustomer ? (
                <td className="px-3 py-2" data-column="customer">
                  {row.accountName}
                </td>
              ) : null}
              <td className="hidden px-3 py-2 whitespace-nowrap md:table-cell">{formatDate(row.issueDate)}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                {formatDate(row.dueDate)}
                {row.displayStatus === "overdue" ? <span className="block text-xs text-red-800">{row.daysPastDue} days late</span> : null}
              </td>
              <td className="px-3 py-2" data-column="status">
                <StatusBadge status={row.displayStatus} />
              </td>
              <td className="hidden px-3 py-2 text-right whitespace-nowrap tabular-nums sm:table-cell">{formatMoney(row.total, row.currency)}</td>
              <td className="px-3 py-2 text-right font-medium whitespace-nowrap tabular-nums">{formatMoney(row.balance, row.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
