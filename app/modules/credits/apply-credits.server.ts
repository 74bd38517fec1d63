import { eq, inArray, sql } from "drizzle-orm";
import { invoices, type Invoice } from "#db/schema/invoices";
import { accountCredits, creditApplications, type AccountCredit } from "#db/schema/terms";
import type { Tx } from "~/db.server";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { recordAudits, type AuditEntry } from "~/modules/audit/record-audit.server";
import { actorUserId, auditActor, type Actor } from "~/modules/auth/actor";
import { recordEvents, type NewEvent } from "~/modules/events/record-event.server";
import { payableAmount } from "~/modules/invoices/payable";
import { today } from "~/utils/clock";
import { formatMoney } from "~/utils/money";
import { hasNul } from "~/utils/nul";
import { conflict, invalid, type Problem } from "~/utils/problem";

export interface CreditApplicationRequest {
  creditId: string;
  invoiceId: string;
  /** Minor units, in the credit's (and the invoice's) currency. */
  amount: number;
}

export interface AppliedCredit {
  /** The credit_applications row. */
  id: string;
  creditId: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  currency: string;
  /** What the credit has left after this application. */
  remaining: number;
  /** The invoice's balance after this application (0: it is paid). */
  balance: number;
}

/**
 * THE one writer of credit applications (staff on the customer page, the payer's pay flow):
 * applies account credits to invoices of the same account. The caller runs it inside its
 * transaction and has already locked the invoices in id order (as every writer of balances does);
 * the credits are locked here, after them, in id order, so two applications of one credit wait for
 * each other and never overdraw it. Everything is checked before anything is written: a Problem
 * (naming the credit or invoice, with `applications.N.field` fields) means nothing changed.
 * Authorization (may this actor act for the account?) is the caller's; ownership of each credit
 * and invoice by `accountId` is checked here.
 */
export async function applyCredits(tx: Tx, actor: Actor, input: { accountId: string; applications: CreditApplicationRequest[]; quoteId?: string | null }): Promise<AppliedCredit[] | Problem> {
  const { accountId, applications } = input;
  if (applications.length === 0) return invalid("Choose a credit and an invoice to apply it to.");
  const field = (i: number, name: keyof CreditApplicationRequest, message: string) => ({ fields: { [`applications.${i}.${name}`]: message } });

  for (const [i, a] of applications.entries()) {
    if (!Number.isSafeInteger(a.amount) || a.amount <= 0) return invalid("Enter an amount greater than zero to apply.", field(i, "amount", "Enter an amount greater than zero."));
  }
  // U+0000 would fail the query (PostgreSQL text cannot hold it): such an id matches nothing.
  const ids = (list: string[]) => [...new Set(list.filter((id) => !hasNul(id)))].sort();
  const lockedInvoices = await tx
    .select()
    .from(invoices)
    .where(inArray(invoices.id, ids(applications.map((a) => a.invoiceId))))
    .orderBy(invoices.id)
    .for("update");
  const lockedCredits = await tx
    .select()
    .from(accountCredits)
    .where(inArray(accountCredits.id, ids(applications.map((a) => a.creditId))))
    .orderBy(accountCredits.id)
    .for("update");

  // What this call has already taken from each credit and each invoice, so two applications of
  // one credit (or to one invoice) are checked together.
  const takenFromCredit = new Map<string, number>();
  const takenFromInvoice = new Map<string, number>();
  const plan: Array<{ credit: AccountCredit; invoice: Invoice; amount: number }> = [];
  for (const [i, a] of applications.entries()) {
    const credit = lockedCredits.find((c) => c.id === a.creditId && c.accountId === accountId);
    if (!credit) return invalid(`Credit ${a.creditId} is not a credit of this account.`, field(i, "creditId", "Choose one of this account's credits."));
    const invoice = lockedInvoices.find((v) => v.id === a.invoiceId && v.accountId === accountId);
    if (!invoice) return invalid(`Invoice ${a.invoiceId} is not an invoice of this account.`, field(i, "invoiceId", "Choose one of this account's open invoices."));
    if (credit.currency !== invoice.currency) {
      return invalid(`Credit ${credit.id} is in ${credit.currency} and invoice ${invoice.number} is in ${invoice.currency}: a credit applies only to invoices in its currency.`, field(i, "invoiceId", `Choose an invoice in ${credit.currency}.`));
    }
    const money = (minor: number) => formatMoney(minor, credit.currency);
    const available = credit.amount - credit.amountApplied - (takenFromCredit.get(credit.id) ?? 0);
    if (a.amount > available) {
      return conflict(`Credit ${credit.id} has ${money(available)} left to apply, less than ${money(a.amount)}.`, { code: "credit_exceeded", ...field(i, "amount", `At most ${money(available)} (what the credit has left).`) });
    }
    const payable = payableAmount(invoice) - (takenFromInvoice.get(invoice.id) ?? 0);
    if (a.amount > payable) return conflict(payableRefusal(invoice, payable, a.amount, money), { code: "amount_exceeds_payable", ...field(i, "amount", `At most ${money(Math.max(0, payable))} on invoice ${invoice.number}.`) });
    takenFromCredit.set(credit.id, (takenFromCredit.get(credit.id) ?? 0) + a.amount);
    takenFromInvoice.set(invoice.id, (takenFromInvoice.get(invoice.id) ?? 0) + a.amount);
    plan.push({ credit, invoice, amount: a.amount });
  }

  await setLedgerDate(tx, today());
  const applied: AppliedCredit[] = [];
  const events: NewEvent[] = [];
  const audits: AuditEntry[] = [];
  const closed = new Set<string>();
  const quoteId = input.quoteId ?? null;
  for (const { credit, invoice, amount } of plan) {
    const [after] = await tx
      .update(accountCredits)
      .set({ amountApplied: sql`${accountCredits.amountApplied} + ${amount}` })
      .where(eq(accountCredits.id, credit.id))
      .returning({ amount: accountCredits.amount, applied: accountCredits.amountApplied });
    const [updated] = await tx
      .update(invoices)
      .set({
        amountCredited: sql`${invoices.amountCredited} + ${amount}`,
        status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited} - ${amount} <= 0 then 'paid' else ${invoices.status} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(invoices.id, invoice.id))
      .returning({ status: invoices.status, balance: invoices.balance });
    const [row] = await tx.insert(creditApplications).values({ creditId: credit.id, invoiceId: invoice.id, amount, appliedByUserId: actorUserId(actor), quoteId }).returning({ id: creditApplications.id });
    const remaining = after!.amount - after!.applied;
    applied.push({ id: row!.id, creditId: credit.id, invoiceId: invoice.id, invoiceNumber: invoice.number, amount, currency: credit.currency, remaining, balance: updated!.balance });
    events.push({
      type: "credit.applied",
      accountId,
      subjectType: "credit",
      subjectId: credit.id,
      data: { creditId: credit.id, source: credit.source, invoiceId: invoice.id, invoiceNumber: invoice.number, amount, currency: credit.currency, quoteId, remaining },
    });
    audits.push({ ...auditActor(actor), action: "credit.applied", subjectType: "credit", subjectId: credit.id, data: { applicationId: row!.id, invoiceId: invoice.id, invoiceNumber: invoice.number, amount, quoteId } });
    if (updated!.status === "paid" && invoice.status !== "paid" && !closed.has(invoice.id)) {
      closed.add(invoice.id);
      events.push({ type: "invoice.paid", accountId, subjectType: "invoice", subjectId: invoice.id, data: { number: invoice.number, creditId: credit.id } });
    }
  }
  await recordEvents(tx, events);
  await recordAudits(tx, audits);
  return applied;
}

/** Why an invoice cannot take `amount` of credit now, in words an AR agent or payer can act on. */
function payableRefusal(invoice: Invoice, payable: number, amount: number, money: (minor: number) => string): string {
  if (invoice.status !== "open") return `Invoice ${invoice.number} is ${invoice.status}: there is nothing to apply a credit to.`;
  if (invoice.paymentPlanId) return `Invoice ${invoice.number} is on a payment plan: it is paid through the plan, not with credits.`;
  const held = [invoice.amountPending > 0 ? `${money(invoice.amountPending)} is held by a payment under way` : null, invoice.amountDisputed > 0 ? `${money(invoice.amountDisputed)} is disputed` : null].filter(Boolean);
  return `At most ${money(Math.max(0, payable))} of credit can go on invoice ${invoice.number} now, less than ${money(amount)} (balance ${money(invoice.balance)}${held.length ? `; ${held.join(", ")}` : ""}).`;
}
