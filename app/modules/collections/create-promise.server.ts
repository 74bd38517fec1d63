import { and, eq, inArray } from "drizzle-orm";
import { paymentPromises, promiseInvoices, type PromiseSource } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { auditActor, actorUserId, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { invoiceScope, isContactOf } from "~/modules/invoices/scope.server";
import { today } from "~/utils/clock";
import { addDays, formatDate, isCalendarDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { conflict, invalidField, notFound, type Problem } from "~/utils/problem";
import { getCollectionRules } from "./rules.server";

export interface CreatePromiseInput {
  accountId: string;
  invoiceIds: string[];
  /** Minor units. */
  amount: number;
  promisedFor: string;
  note?: string | null;
}

/**
 * A promise to pay: a payer (portal or pay link) or staff on a call says "this much on these
 * invoices by that date". Reminders for those invoices pause until the date + grace days; the
 * daily run marks it kept or broken (resolve-promises.server.ts).
 */
export async function createPromise(actor: Actor, input: CreatePromiseInput): Promise<{ promiseId: string } | Problem> {
  const source = promiseSource(actor);
  if (!source) return notFound("Account not found.");
  if (actor.kind === "payer" && !(await isContactOf(db, actor.userId, input.accountId))) return notFound("Account not found.");
  if (actor.kind === "pay_link" && actor.accountId !== input.accountId) return notFound("Account not found.");
  const invoiceIds = [...new Set(input.invoiceIds)];
  if (invoiceIds.length === 0) return invalidField("invoiceIds", "Choose the invoices you promise to pay.");

  const rules = await getCollectionRules();
  const day = today();
  const latest = addDays(day, rules.promiseMaxDays);
  if (!isCalendarDate(input.promisedFor)) return invalidField("promisedFor", "Enter the date you will pay by.");
  if (input.promisedFor < day) return invalidField("promisedFor", "The date can't be in the past.");
  if (input.promisedFor > latest) return invalidField("promisedFor", `Choose a date on or before ${formatDate(latest)} (at most ${rules.promiseMaxDays} days ahead).`);
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return invalidField("amount", "Enter the amount you will pay.");

  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.accountId, input.accountId), inArray(invoices.id, invoiceIds), invoiceScope(actor)))
      .for("update");
    if (rows.length !== invoiceIds.length) return notFound("Invoice not found.");
    const currencies = new Set(rows.map((r) => r.currency));
    if (currencies.size > 1) return invalidField("invoiceIds", "Choose invoices in one currency.");
    const currency = rows[0]!.currency;
    for (const invoice of rows) {
      if (invoice.status !== "open" || invoice.balance <= 0) return conflict(`Invoice ${invoice.number} is already paid.`, { fields: { invoiceIds: `Invoice ${invoice.number} is already paid.` } });
      if (invoice.paymentPlanId) return conflict(`Invoice ${invoice.number} is on a payment plan.`, { fields: { invoiceIds: `Invoice ${invoice.number} is on a payment plan.` } });
    }
    const [existing] = await tx
      .select({ number: invoices.number, promisedFor: paymentPromises.promisedFor })
      .from(promiseInvoices)
      .innerJoin(paymentPromises, eq(paymentPromises.id, promiseInvoices.promiseId))
      .innerJoin(invoices, eq(invoices.id, promiseInvoices.invoiceId))
      .where(and(inArray(promiseInvoices.invoiceId, invoiceIds), eq(paymentPromises.status, "open")));
    if (existing) {
      const message = `Invoice ${existing.number} already has a promise to pay by ${formatDate(existing.promisedFor)}.`;
      return conflict(message, { fields: { invoiceIds: message } });
    }
    // What can be promised: the balance less what a dispute holds or a payment under way reserves.
    const promisable = rows.reduce((sum, r) => sum + Math.max(0, r.balance - r.amountDisputed - r.amountPending), 0);
    if (input.amount > promisable) return invalidField("amount", `You can promise at most ${formatMoney(promisable, currency)} on these invoices.`);

    const [promise] = await tx
      .insert(paymentPromises)
      .values({
        accountId: input.accountId,
        currency,
        amount: input.amount,
        promisedFor: input.promisedFor,
        graceDays: rules.promiseGraceDays,
        balanceAtPromise: rows.reduce((sum, r) => sum + r.balance, 0),
        source,
        createdByUserId: actorUserId(actor),
        payLinkId: actor.kind === "pay_link" ? actor.payLinkId : null,
        note: input.note?.trim() || null,
      })
      .returning({ id: paymentPromises.id });
    await tx.insert(promiseInvoices).values(rows.map((r) => ({ promiseId: promise!.id, invoiceId: r.id })));
    await recordEvent(tx, {
      type: "promise.created",
      accountId: input.accountId,
      subjectType: "promise",
      subjectId: promise!.id,
      data: {
        amount: input.amount,
        currency,
        promised_for: input.promisedFor,
        grace_days: rules.promiseGraceDays,
        source,
        invoices: rows.map((r) => ({ id: r.id, external_id: r.externalId, number: r.number })),
      },
    });
    await recordAudit(tx, { ...auditActor(actor), action: "promise.created", subjectType: "promise", subjectId: promise!.id, data: { amount: input.amount, promisedFor: input.promisedFor } });
    return { promiseId: promise!.id };
  });
}

function promiseSource(actor: Actor): PromiseSource | null {
  switch (actor.kind) {
    case "payer":
      return "portal";
    case "pay_link":
      return "pay_link";
    case "staff":
      return "staff";
    case "api_key":
      return "api";
    case "system":
      return null;
  }
}
