import type { InvoiceStatus } from "#db/schema/invoices";
import { daysBetween } from "~/utils/dates";
import type { AgingBuckets, DisplayStatus } from "./types";

interface StatusInput {
  status: InvoiceStatus;
  dueDate: string;
  balance: number;
  amountPaid: number;
  amountCredited: number;
  /** Set while a payment plan holds the invoice. */
  paymentPlanId?: string | null;
}

/** Days past the due date on `today` (0 when not yet due). */
export function daysPastDue(dueDate: string, today: string): number {
  return Math.max(0, daysBetween(dueDate, today));
}

/**
 * Overdue wins over partially paid: it is what the payer must act on first. An invoice on a
 * payment plan is neither: it is paid through the plan's installments, not chased as overdue.
 * An invoice settled by credits alone was never paid: it says "Credited" ("Partly credited" while
 * a balance is left), not "Paid" with "Amount paid 0.00".
 */
export function displayStatus(invoice: StatusInput, today: string): DisplayStatus {
  if (invoice.status === "void") return "void";
  const creditOnly = invoice.amountPaid <= 0 && invoice.amountCredited > 0;
  if (invoice.status === "paid" || invoice.balance <= 0) return creditOnly ? "credited" : "paid";
  if (invoice.paymentPlanId) return "on_plan";
  if (daysPastDue(invoice.dueDate, today) > 0) return "overdue";
  if (creditOnly) return "partly_credited";
  if (invoice.amountPaid > 0) return "partially_paid";
  return "open";
}

/** The words for each status, shared by badges, lists and PDFs. */
export const displayStatusLabels: Record<DisplayStatus, string> = {
  open: "Open",
  partially_paid: "Partially paid",
  partly_credited: "Partly credited",
  overdue: "Overdue",
  on_plan: "On payment plan",
  paid: "Paid",
  credited: "Credited",
  void: "Void",
};

export function emptyAging(): AgingBuckets {
  return { current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0 };
}

export function agingBucket(days: number): keyof AgingBuckets {
  if (days <= 0) return "current";
  if (days <= 30) return "days1to30";
  if (days <= 60) return "days31to60";
  if (days <= 90) return "days61to90";
  return "over90";
}
