import { and, desc, eq, isNull, ne } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { autopayCharges, autopayEnrollments } from "#db/schema/autopay";
import { savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inReadersAccount } from "~/modules/invoices/scope.server";
import { notFound } from "~/utils/problem";

/**
 * An account's autopay as its payer or the AR team sees it: the enrolment (if any), the methods it
 * can use (verified, saved to the account), and its charges, newest first.
 */
export async function getAutopay(actor: Actor, accountId: string) {
  const [account] = await db.select({ id: accounts.id, name: accounts.name, currency: accounts.currency }).from(accounts).where(and(eq(accounts.id, accountId), inReadersAccount(actor, accounts.id, accountId)));
  if (!account) return notFound("That account does not exist.");
  const [enrollment] = await db
    .select({ enrollment: autopayEnrollments, methodLabel: savedPaymentMethods.label, methodType: savedPaymentMethods.type, methodRemoved: savedPaymentMethods.removedAt })
    .from(autopayEnrollments)
    .innerJoin(savedPaymentMethods, eq(savedPaymentMethods.id, autopayEnrollments.savedMethodId))
    .where(and(eq(autopayEnrollments.accountId, accountId), ne(autopayEnrollments.status, "canceled")));
  const methods = await db
    .select({ id: savedPaymentMethods.id, label: savedPaymentMethods.label, type: savedPaymentMethods.type, isDefault: savedPaymentMethods.isDefault, accountHolderType: savedPaymentMethods.accountHolderType })
    .from(savedPaymentMethods)
    .where(and(eq(savedPaymentMethods.accountId, accountId), isNull(savedPaymentMethods.removedAt), eq(savedPaymentMethods.verification, "verified")))
    .orderBy(desc(savedPaymentMethods.isDefault), savedPaymentMethods.createdAt);
  const charges = await db.select().from(autopayCharges).where(eq(autopayCharges.accountId, accountId)).orderBy(desc(autopayCharges.chargeOn), desc(autopayCharges.createdAt)).limit(50);
  return {
    account,
    enrollment: enrollment ? { ...enrollment.enrollment, methodLabel: enrollment.methodLabel, methodType: enrollment.methodType } : null,
    methods,
    charges,
  };
}
