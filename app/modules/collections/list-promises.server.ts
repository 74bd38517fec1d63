import { and, desc, eq, inArray } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { paymentPromises, promiseInvoices, type PromiseStatus } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { inReadersAccounts } from "~/modules/invoices/scope.server";
import { forbidden, type Problem } from "~/utils/problem";

export interface PromiseSummary {
  id: string;
  status: PromiseStatus;
  amount: number;
  currency: string;
  promisedFor: string;
  graceDays: number;
  source: string;
  note: string | null;
  createdAt: string;
  createdByName: string | null;
  invoices: Array<{ id: string; number: string }>;
}

/** An account's promises to pay, newest first (open ones first), with their invoices: for the AR team. */
export async function listAccountPromises(actor: Actor, input: { accountId: string; limit?: number }): Promise<PromiseSummary[] | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees an account's promises.");
  const promises = await db
    .select({
      id: paymentPromises.id,
      status: paymentPromises.status,
      amount: paymentPromises.amount,
      currency: paymentPromises.currency,
      promisedFor: paymentPromises.promisedFor,
      graceDays: paymentPromises.graceDays,
      source: paymentPromises.source,
      note: paymentPromises.note,
      createdAt: paymentPromises.createdAt,
      createdByName: users.name,
    })
    .from(paymentPromises)
    .leftJoin(users, eq(users.id, paymentPromises.createdByUserId))
    .where(eq(paymentPromises.accountId, input.accountId))
    .orderBy(desc(paymentPromises.createdAt))
    .limit(input.limit ?? 20);
  const lines = promises.length
    ? await db
        .select({ promiseId: promiseInvoices.promiseId, id: invoices.id, number: invoices.number })
        .from(promiseInvoices)
        .innerJoin(invoices, eq(invoices.id, promiseInvoices.invoiceId))
        .where(inArray(
          promiseInvoices.promiseId,
          promises.map((p) => p.id),
        ))
    : [];
  return promises
    .map((p) => ({ ...p, createdAt: p.createdAt.toISOString(), invoices: lines.filter((l) => l.promiseId === p.id).map(({ id, number }) => ({ id, number })) }))
    .sort((a, b) => Number(b.status === "open") - Number(a.status === "open"));
}

/**
 * The open promise (if any) on each of these invoices, for badges on the payer's invoice list and
 * page ("Promised by Dec 20"). Only invoices the reader may see are answered.
 */
export async function openPromisesFor(actor: Actor, invoiceIds: string[]): Promise<Record<string, { promisedFor: string; amount: number; currency: string }>> {
  const wanted = (actor.kind === "pay_link" ? invoiceIds.filter((id) => actor.invoiceIds.includes(id)) : invoiceIds).slice(0, 500);
  if (wanted.length === 0) return {};
  // Scoped by the promise's account (its invoices are that account's), not by joining the
  // invoices: with the payer's scope on invoices, PostgreSQL walked every invoice of the account
  // (5,000 for a big one, 28 ms) to find the page's 25.
  const rows = await db
    .select({ invoiceId: promiseInvoices.invoiceId, promisedFor: paymentPromises.promisedFor, amount: paymentPromises.amount, currency: paymentPromises.currency })
    .from(promiseInvoices)
    .innerJoin(paymentPromises, eq(paymentPromises.id, promiseInvoices.promiseId))
    .where(and(inArray(promiseInvoices.invoiceId, wanted), eq(paymentPromises.status, "open"), inReadersAccounts(actor, paymentPromises.accountId)));
  return Object.fromEntries(rows.map((r) => [r.invoiceId, { promisedFor: r.promisedFor, amount: r.amount, currency: r.currency }]));
}
