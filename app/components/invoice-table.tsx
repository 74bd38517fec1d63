import { Link, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
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
    <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined} className={`px-3 py-2 text-left font-semibold max-sm:p-0 ${className}`}>
      <Link
        to={`${location.pathname}?${params}`}
        className="inline-flex min-h-6 items-center underline-offset-2 hover:underline max-sm:min-h-11 max-sm:rounded-md max-sm:bg-white max-sm:px-3 max-sm:font-medium max-sm:ring-1 max-sm:ring-slate-300"
      >
        {label}
        {active ? <span aria-hidden="true">{dir === "asc" ? " ▲" : " ▼"}</span> : null}
      </Link>
    </th>
  );
}

/*
 * On a phone (below `sm`) the table is restyled, not replaced: the header row becomes a row of
 * sort buttons and each invoice row a card — number and balance on top, due date and status
 * below, the tick box on the left — so the balance is never off screen. One DOM keeps one tick
 * box per invoice in the pay form and the table's semantics for everything that reads it.
 */
const phoneCard = {
  row: "max-sm:grid max-sm:items-center max-sm:gap-x-3 max-sm:gap-y-1 max-sm:rounded-lg max-sm:bg-white max-sm:p-3 max-sm:ring-1 max-sm:ring-slate-200",
  cell: "max-sm:p-0",
};

/** The invoice table shared by the payer list and the admin search. */
export function InvoiceTable({
  rows,
  sort,
  dir,
  hrefFor,
  showCustomer = false,
  selectForm,
  selectAll,
  statusNote,
  numberNote,
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
  /** Shown in the tick boxes' column header (the payer's "select all on this page"). */
  selectAll?: ReactNode;
  /** A line under the status (the payer's "Promised by Dec 20"). */
  statusNote?: (row: InvoiceRow) => ReactNode;
  /** A line under the number (the payer's "Late fee on INV-1"). */
  numberNote?: (row: InvoiceRow) => ReactNode;
}) {
  // Card grid: [tick box] number balance / due status (/ customer on the admin search).
  const columns = selectForm ? "max-sm:grid-cols-[auto_minmax(0,1fr)_auto]" : "max-sm:grid-cols-[minmax(0,1fr)_auto]";
  const first = selectForm ? "max-sm:col-start-2" : "max-sm:col-start-1";
  const last = selectForm ? "max-sm:col-start-3" : "max-sm:col-start-2";
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200 max-sm:overflow-visible max-sm:bg-transparent max-sm:ring-0">
      <table className="min-w-full divide-y divide-slate-200 text-sm max-sm:block max-sm:divide-y-0">
        <thead className="bg-slate-50 text-slate-800 max-sm:block max-sm:bg-transparent">
          <tr className="max-sm:flex max-sm:flex-wrap max-sm:items-center max-sm:gap-2 max-sm:pb-3">
            {selectForm ? (
              <th scope="col" className="w-10 px-3 py-2 text-left font-semibold max-sm:w-auto max-sm:p-0">
                {selectAll ?? <span className="sr-only">Select to pay</span>}
              </th>
            ) : null}
            <SortHeader label="Invoice" column="number" sort={sort} dir={dir} />
            {showCustomer ? (
              <th scope="col" className="px-3 py-2 text-left font-semibold max-sm:hidden">
                Customer
              </th>
            ) : null}
            <SortHeader label="Issued" column="issued" sort={sort} dir={dir} className="hidden md:table-cell" />
            <SortHeader label="Due" column="due" sort={sort} dir={dir} />
            <th scope="col" className="px-3 py-2 text-left font-semibold max-sm:hidden">
              Status
            </th>
            <SortHeader label="Total" column="total" sort={sort} dir={dir} className="hidden text-right sm:table-cell" />
            <SortHeader label="Balance" column="balance" sort={sort} dir={dir} className="text-right" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-sm:grid max-sm:gap-3 max-sm:divide-y-0">
          {rows.map((row) => (
            <tr key={row.id} className={`hover:bg-slate-50 ${phoneCard.row} ${columns}`}>
              {selectForm ? (
                <td className={`px-3 py-2 ${phoneCard.cell} max-sm:col-start-1 max-sm:row-span-2 max-sm:row-start-1`}>
                  {row.balance > 0 && row.displayStatus !== "void" && row.displayStatus !== "on_plan" ? (
                    // The label widens the tap area to 44 px on a phone; the box itself is 24 px (WCAG 2.5.8).
                    <label className="flex items-center justify-center max-sm:size-11">
                      <input
                        type="checkbox"
                        name="invoice"
                        value={row.id}
                        form={selectForm}
                        aria-label={`Select ${row.number} to pay`}
                        data-balance={row.balance}
                        data-currency={row.currency}
                        className="size-6"
                      />
                    </label>
                  ) : null}
                </td>
              ) : null}
              <td className={`px-3 py-2 ${phoneCard.cell} ${first} max-sm:row-start-1`}>
                <Link to={hrefFor(row.id)} className="inline-flex min-h-6 items-center font-medium text-brand-700 underline max-sm:min-h-11 max-sm:text-base" data-column="number">
                  {row.number}
                </Link>
                {row.poNumber ? <span className="block text-xs text-slate-600">PO {row.poNumber}</span> : null}
                {numberNote?.(row)}
              </td>
              {showCustomer ? (
                <td className={`px-3 py-2 ${phoneCard.cell} ${first} max-sm:row-start-3 max-sm:[grid-column-end:-1]`} data-column="customer">
                  {row.accountName}
                </td>
              ) : null}
              <td className="hidden px-3 py-2 whitespace-nowrap md:table-cell">{formatDate(row.issueDate)}</td>
              <td className={`px-3 py-2 whitespace-nowrap ${phoneCard.cell} ${first} max-sm:row-start-2`}>
                <span className="sm:hidden">Due </span>
                {formatDate(row.dueDate)}
                {row.displayStatus === "overdue" ? <span className="block text-xs text-red-800">{row.daysPastDue} days late</span> : null}
              </td>
              <td className={`px-3 py-2 ${phoneCard.cell} ${last} max-sm:row-start-2 max-sm:justify-self-end`} data-column="status">
                <StatusBadge status={row.displayStatus} />
                {statusNote?.(row)}
              </td>
              <td className="hidden px-3 py-2 text-right whitespace-nowrap tabular-nums sm:table-cell">{formatMoney(row.total, row.currency)}</td>
              <td className={`px-3 py-2 text-right font-medium whitespace-nowrap tabular-nums ${phoneCard.cell} ${last} max-sm:row-start-1 max-sm:text-base`}>
                <span className="block text-xs font-normal text-slate-600 sm:hidden">Balance</span>
                {formatMoney(row.balance, row.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
