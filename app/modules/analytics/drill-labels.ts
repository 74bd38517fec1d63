/**
 * What the drill-down pages (and their CSV files) call each figure and each ledger movement.
 * Pure, so the pages, the CSV and the tests read the same words.
 */
import type { ReceivableKind } from "#db/schema/receivables";
import type { DrillFigure } from "./analytics-query";

export const figureLabels: Record<DrillFigure, { title: string; definition: string }> = {
  ar_total: { title: "Open receivables", definition: "Every invoice with a balance at the end of the as-of date: issued on or before it, less payments, credits and refunds dated on or before it; void invoices count until their void date." },
  ar_overdue: { title: "Overdue receivables", definition: "The open invoices whose due date was before the as-of date." },
  current: { title: "Current receivables", definition: "The open invoices due on or after the as-of date (not yet late)." },
  days_1_30: { title: "1–30 days past due", definition: "The open invoices 1 to 30 days past their due date at the as-of date." },
  days_31_60: { title: "31–60 days past due", definition: "The open invoices 31 to 60 days past their due date at the as-of date." },
  days_61_90: { title: "61–90 days past due", definition: "The open invoices 61 to 90 days past their due date at the as-of date." },
  days_over_90: { title: "Over 90 days past due", definition: "The open invoices more than 90 days past their due date at the as-of date." },
  credit_sales: { title: "Credit sales", definition: "The invoices issued in the period, each at its amount as of the as-of date (an invoice voided by then counts 0 and is not listed)." },
};

/** The movements the "payments that moved it" page lists (an issue is a sale, not a movement). */
export const movementKinds = ["payment", "reversal", "credit", "void", "revived"] as const satisfies readonly ReceivableKind[];
export type MovementKind = (typeof movementKinds)[number];

export const movementLabels: Record<MovementKind, string> = {
  payment: "Payment received",
  reversal: "Refund or chargeback (money out)",
  credit: "Credit memo",
  void: "Invoice voided",
  revived: "Invoice revived",
};
