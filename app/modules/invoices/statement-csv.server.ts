import { lineLabel } from "./statement-lines";
import type { Statement } from "./types";
import { minorDigits } from "~/utils/money";

/**
 * One cell, RFC 4180 quoted, and safe to open in a spreadsheet: text starting with = + - @, a
 * tab or a carriage return would run as a formula, so it gets a leading apostrophe. Amounts are
 * written by `csvAmount()` as plain numbers and are not passed through here.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Minor units → "1234.56" / "-1234.56" (no grouping, so spreadsheets read a number). */
export function csvAmount(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

// Columns are only ever appended (readers go by header): the early-payment offer of an invoice line today.
const HEADER = ["Currency", "Date", "Type", "Invoices", "Detail", "Amount", "Balance", "Early payment amount", "Early payment by", "Early payment saves"];

/**
 * The statement as CSV: per currency an opening balance row, every line of the period with its
 * running balance, and a closing balance row. Amounts in major units; positive adds to what is owed.
 * An invoice line with an early-payment offer today says what paying it in full by when saves.
 */
export function statementCsv(statement: Statement): string {
  const rows: string[][] = [HEADER];
  const { from, to } = statement.period;
  for (const section of statement.sections) {
    const c = section.currency;
    rows.push([c, from, "Opening balance", "", "", "", csvAmount(section.opening, c), "", "", ""]);
    for (const line of statement.lines) {
      if (line.currency !== c) continue;
      const offer = line.offer ? [csvAmount(line.offer.payInFull, c), line.offer.until, csvAmount(line.offer.saves, c)] : ["", "", ""];
      rows.push([c, line.date, lineLabel(line.kind), line.invoices, line.detail ?? "", csvAmount(line.amount, c), csvAmount(line.balance, c), ...offer]);
    }
    rows.push([c, to, "Closing balance", "", "", "", csvAmount(section.closing, c), "", "", ""]);
  }
  return rows.map((cells, i) => cells.map((cell, j) => (i > 0 && j >= 5 ? cell : csvCell(cell))).join(",")).join("\r\n") + "\r\n";
}
