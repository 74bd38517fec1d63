import { and, eq, gt, isNull } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { PayLinkActor } from "~/modules/auth/actor";
import { invoiceScope } from "~/modules/invoices/scope.server";
import { conflict, type Problem } from "~/utils/problem";
import { createPromise } from "./create-promise.server";

/**
 * The holder of a pay link promises to pay an amount by a date: the promise covers the link's
 * invoices still open (not those paid or on a payment plan); createPromise checks the date and
 * the amount against the AR team's rules and what can be promised.
 */
export async function promiseByLink(actor: PayLinkActor, input: { amount: number; promisedFor: string }): Promise<{ promiseId: string } | Problem> {
  const open = await db
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(invoiceScope(actor), eq(invoices.status, "open"), gt(invoices.balance, 0), isNull(invoices.paymentPlanId)));
  if (open.length === 0) return conflict("There is nothing left to promise on these invoices.");
  return createPromise(actor, { accountId: actor.accountId, invoiceIds: open.map((r) => r.id), amount: input.amount, promisedFor: input.promisedFor, note: null });
}

/** The currency of the link's invoices (a reminder groups one account's invoices, in its currency). */
export async function payLinkCurrency(actor: PayLinkActor): Promise<string> {
  const [row] = await db.select({ currency: invoices.currency }).from(invoices).where(invoiceScope(actor)).limit(1);
  return row?.currency ?? "USD";
}
