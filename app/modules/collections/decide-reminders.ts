import type { StepChannel } from "#db/schema/collection-values";
import { addDays, daysBetween } from "~/utils/dates";
import { stepLabel } from "./steps";

/**
 * The reminder engine's one decision function. The daily run calls it for each account on the
 * portal's date and writes what it returns; the dry-run calendar calls it for each day ahead on
 * the same facts. Pure: no database, no clock.
 */

export interface StepFacts {
  id: string;
  offsetDays: number;
  channel: StepChannel;
}

export interface InvoiceFacts {
  id: string;
  number: string;
  externalId: string | null;
  currency: string;
  dueDate: string;
  /** Open balance (total − paid − credited), minor units. */
  balance: number;
  /** Held by open disputes: not chased. */
  amountDisputed: number;
  /** Reserved by a payment under way (pending or processing). */
  amountPending: number;
  /** Held by a payment plan being set up or paid (the plan has its own reminders). */
  onPlan: boolean;
  /** Highest step offset already sent for this invoice (any cadence), or null. */
  lastSentOffset: number | null;
}

export interface PromiseFacts {
  id: string;
  promisedFor: string;
  graceDays: number;
  invoiceIds: string[];
}

export interface AccountFacts {
  accountId: string;
  onHold: boolean;
  holdReason: string | null;
  /** Whether a reminder email has somewhere to go (a billing email or a contact set to "to"). */
  canEmail: boolean;
  /** The account's cadence, any order. */
  steps: StepFacts[];
  /** Open invoices with a balance. */
  invoices: InvoiceFacts[];
  /** Open promises to pay. */
  promises: PromiseFacts[];
}

export interface ReminderDecision {
  invoiceId: string;
  stepId: string;
  offsetDays: number;
  channel: StepChannel;
  action: "send" | "skip";
  reason: string;
  /** Sent: what is asked for. Skipped: what stays unasked. */
  amountDue: number;
  /** Part of the invoice held in an open dispute (named "on hold" in the email). */
  amountOnHold: number;
}

/** The decisions for one account on one date, in invoice due-date order. */
export function decideReminders(account: AccountFacts, on: string): ReminderDecision[] {
  const steps = [...account.steps].sort((a, b) => a.offsetDays - b.offsetDays);
  if (steps.length === 0) return [];
  const decisions: ReminderDecision[] = [];
  const invoices = [...account.invoices].sort((a, b) => (a.dueDate === b.dueDate ? a.number.localeCompare(b.number) : a.dueDate < b.dueDate ? -1 : 1));
  for (const invoice of invoices) {
    if (invoice.balance <= 0) continue;
    const daysFromDue = daysBetween(invoice.dueDate, on);
    const due = latestStepDue(steps, daysFromDue);
    if (!due) continue;
    if (invoice.lastSentOffset !== null && due.offsetDays <= invoice.lastSentOffset) continue;

    const base = { invoiceId: invoice.id, stepId: due.id, offsetDays: due.offsetDays, channel: due.channel };
    const onHold = Math.min(invoice.amountDisputed, invoice.balance);
    const chased = invoice.balance - onHold - invoice.amountPending;
    const pause = pauseReason(account, invoice, due, on);
    if (pause) {
      decisions.push({ ...base, action: "skip", reason: pause, amountDue: Math.max(0, chased), amountOnHold: onHold });
      continue;
    }
    // Steps that fell due while the engine did not run (or the invoice was paused) are not sent
    // late: only the latest one goes, and the ones it replaces are logged once as skipped.
    for (const missed of steps) {
      if (missed.offsetDays >= due.offsetDays) break;
      if (invoice.lastSentOffset !== null && missed.offsetDays <= invoice.lastSentOffset) continue;
      decisions.push({
        invoiceId: invoice.id,
        stepId: missed.id,
        offsetDays: missed.offsetDays,
        channel: missed.channel,
        action: "skip",
        reason: `superseded by step ${stepLabel(due.offsetDays)}`,
        amountDue: Math.max(0, chased),
        amountOnHold: onHold,
      });
    }
    decisions.push({ ...base, action: "send", reason: sentReason(due), amountDue: chased, amountOnHold: onHold });
  }
  return decisions;
}

function latestStepDue(sortedSteps: StepFacts[], daysFromDue: number): StepFacts | undefined {
  let due: StepFacts | undefined;
  for (const step of sortedSteps) if (step.offsetDays <= daysFromDue) due = step;
  return due;
}

function sentReason(step: StepFacts): string {
  return step.channel === "call" ? `call task for step ${stepLabel(step.offsetDays)}` : `sent step ${stepLabel(step.offsetDays)}`;
}

/** Why the invoice is not chased today, or null. The order is the order a collector reads them. */
function pauseReason(account: AccountFacts, invoice: InvoiceFacts, step: StepFacts, on: string): string | null {
  if (account.onHold) return account.holdReason ? `account on hold: ${account.holdReason}` : "account on hold";
  if (invoice.onPlan) return "on a payment plan";
  if (step.channel === "email" && !account.canEmail) return "no billing contact to email";
  if (invoice.amountPending > 0) return "payment processing";
  const promise = account.promises
    .filter((p) => p.invoiceIds.includes(invoice.id) && on <= addDays(p.promisedFor, p.graceDays))
    .sort((a, b) => (a.promisedFor < b.promisedFor ? 1 : -1))[0];
  if (promise) return `promise to pay until ${promise.promisedFor}`;
  if (invoice.balance - invoice.amountDisputed <= 0) return "held in an open dispute";
  return null;
}

/**
 * What the run does after sending: the invoices' last sent step moves on. The calendar applies
 * it between simulated days, the engine gets it from the database the next day.
 */
export function applySends(account: AccountFacts, decisions: ReminderDecision[]): AccountFacts {
  const sent = new Map<string, number>();
  for (const d of decisions) if (d.action === "send") sent.set(d.invoiceId, d.offsetDays);
  if (sent.size === 0) return account;
  return {
    ...account,
    invoices: account.invoices.map((i) => (sent.has(i.id) ? { ...i, lastSentOffset: sent.get(i.id)! } : i)),
  };
}
