import { desc, eq } from "drizzle-orm";
import { disputes } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { accountBalances } from "~/modules/invoices/account-balances.server";
import { forbidden } from "~/utils/problem";

/** What a clerk needs beside a dispute: the customer's balances, other disputes and recent payments. */
export async function customerContext(actor: Actor, input: { accountId: string; excludeDisputeId: string }) {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees a customer's context.");
  const { accountId, excludeDisputeId } = input;
  const [balances, otherDisputes, recentPayments] = await Promise.all([
    accountBalances(actor, accountId),
    db
      .select({ id: disputes.id, status: disputes.status, amount: disputes.amount, currency: disputes.currency, invoiceNumber: invoices.number, createdAt: disputes.createdAt })
      .from(disputes)
      .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
      .where(eq(disputes.accountId, accountId))
      .orderBy(desc(disputes.createdAt))
      .limit(11),
    db
      .select({ id: payments.id, status: payments.status, amount: payments.amount, currency: payments.currency, methodLabel: payments.methodLabel, createdAt: payments.createdAt })
      .from(payments)
      .where(eq(payments.accountId, accountId))
      .orderBy(desc(payments.createdAt))
      .limit(10),
  ]);
  return { balances, otherDisputes: otherDisputes.filter((d) => d.id !== excludeDisputeId).slice(0, 10), recentPayments };
}
