import { csvAmount, csvCell } from "~/modules/invoices/statement-csv.server";
import { movementLabels } from "./drill-labels";
import type { FigureInvoices } from "./list-figure-invoices.server";
import type { ReceivableMovements } from "./list-receivable-movements.server";

/**
 * The drill-downs as CSV, with the statement CSV's conventions: RFC 4180 cells guarded against
 * formula injection (`csvCell`), CRLF lines, amounts as plain decimal numbers in major units
 * beside a Currency column (the header says so). A file cut at DRILL_CSV_MAX_ROWS ends with a
 * row saying how many rows it left out.
 */
function toCsv(header: string[], rows: string[][], amountColumns: number[], note: string | null): string {
  const lines = [header.map(csvCell).join(",")];
  for (const row of rows) lines.push(row.map((cell, j) => (amountColumns.includes(j) ? cell : csvCell(cell))).join(","));
  if (note) lines.push(csvCell(note));
  return lines.join("\r\n") + "\r\n";
}

const cutNote = (shown: number, count: number, noun: string) => (shown < count ? `Only the first ${shown} of ${count} ${noun} are in this file; narrow the filters to get the rest.` : null);

export function figureInvoicesCsv(list: FigureInvoices): string {
  const amountHeader = list.figure === "credit_sales" ? `Sale amount at ${list.asOf} (major units)` : `Balance at ${list.asOf} (major units)`;
  const header = ["Invoice", "Customer", "Customer number", "Issue date", "Due date", `Days past due at ${list.asOf}`, "Currency", amountHeader];
  const rows = list.rows.map((r) => [r.number, r.accountName, r.accountNumber, r.issueDate, r.dueDate, r.daysPastDue === null ? "" : String(r.daysPastDue), list.scope.currency, csvAmount(r.amount, list.scope.currency)]);
  return toCsv(header, rows, [7], cutNote(list.rows.length, list.count, "invoices"));
}

export function movementsCsv(list: ReceivableMovements): string {
  const header = ["Date", "What happened", "Invoice", "Customer", "Customer number", "Currency", "Amount: in + / out − (major units)", "Change in AR (major units)"];
  const c = list.scope.currency;
  const rows = list.rows.map((r) => [r.on, movementLabels[r.kind], r.number, r.accountName, r.accountNumber, c, csvAmount(r.amount, c), csvAmount(r.arChange, c)]);
  return toCsv(header, rows, [6, 7], cutNote(list.rows.length, list.count, "movements"));
}

/** "ar_overdue-USD-2026-03-31" (+ "-C-00042" for one customer): letters, digits and dashes only. */
export function drillFilename(what: string, list: { scope: { currency: string }; asOf: string; customer: { number: string } | null }): string {
  const parts = [what, list.scope.currency, list.asOf, list.customer?.number].filter(Boolean) as string[];
  return parts.join("-").replace(/[^A-Za-z0-9_-]/g, "_");
}
