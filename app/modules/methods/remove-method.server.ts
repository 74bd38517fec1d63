import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { inReadersAccount } from "~/modules/invoices/scope.server";
import { stripe } from "~/modules/stripe/client.server";
import { formatMoney } from "~/utils/money";
import { now } from "~/utils/clock";
import { log } from "~/utils/log.server";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";
import { methodUses, type MethodUses } from "./method-uses.server";

/** Why a method cannot go, in the payer's words; null when nothing charges it. */
export function removalBlocker(type: "card" | "us_bank_account", uses: MethodUses): string | null {
  const what = type === "card" ? "card" : "bank account";
  const plan = uses.plans[0];
  if (plan) return `Your payment plan of ${formatMoney(plan.total, plan.currency)} (${plan.id}) charges this ${what}. Switch the plan to another method first.`;
  if (uses.autopay.length > 0) return `Autopay charges this ${what}. Choose another method for autopay (or turn it off) first.`;
  return null;
}

/**
 * The payer removes a saved method: refused while a plan or autopay charges it; otherwise it is
 * detached in Stripe (so it can never be charged again) and hidden here. Removing twice is fine.
 * A removed default hands the default to the oldest remaining verified method.
 */
export async function removeMethod(actor: Actor, input: { accountId: string; methodId: string }): Promise<{ id: string; label: string } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only the account's payers remove its saved payment methods.");
  const [method] = await db
    .select()
    .from(savedPaymentMethods)
    .where(and(eq(savedPaymentMethods.id, input.methodId), inReadersAccount(actor, savedPaymentMethods.accountId, input.accountId)));
  if (!method) return notFound("That payment method is not saved on this account.");
  if (method.removedAt) return { id: method.id, label: method.label };
  const uses = (await methodUses(db, input.accountId, [method])).get(method.id)!;
  const blocker = removalBlocker(method.type, uses);
  if (blocker) return conflict(blocker, { code: "method_in_use" });

  try {
    await detachInStripe(method.stripePaymentMethodId);
  } catch (error) {
    log("error", "detaching a saved payment method failed", { methodId: method.id, error: String(error) });
    return conflict("We could not reach our payment provider to remove this method. Nothing changed; please try again in a moment.");
  }

  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`saved_methods:${input.accountId}`}))`);
    const [removed] = await tx
      .update(savedPaymentMethods)
      .set({ removedAt: now(), isDefault: false })
      .where(and(eq(savedPaymentMethods.id, method.id), isNull(savedPaymentMethods.removedAt)))
      .returning({ id: savedPaymentMethods.id });
    if (!removed) return { id: method.id, label: method.label };
    if (method.isDefault) {
      const [next] = await tx
        .select({ id: savedPaymentMethods.id })
        .from(savedPaymentMethods)
        .where(and(eq(savedPaymentMethods.accountId, input.accountId), isNull(savedPaymentMethods.removedAt), eq(savedPaymentMethods.verification, "verified")))
        .orderBy(asc(savedPaymentMethods.createdAt), asc(savedPaymentMethods.id))
        .limit(1);
      if (next) await tx.update(savedPaymentMethods).set({ isDefault: true }).where(eq(savedPaymentMethods.id, next.id));
    }
    await recordAudit(tx, { ...auditActor(actor), action: "payment_method.removed", subjectType: "saved_payment_method", subjectId: method.id, data: { accountId: input.accountId, label: method.label } });
    return { id: method.id, label: method.label };
  });
}

/** Detach, idempotently: a method already detached (or gone) in Stripe is what we want. */
async function detachInStripe(paymentMethodId: string): Promise<void> {
  const pm = await stripe().paymentMethods.retrieve(paymentMethodId).catch((error: { code?: string }) => {
    if (error.code === "resource_missing") return null;
    throw error;
  });
  if (!pm?.customer) return;
  await stripe().paymentMethods.detach(paymentMethodId);
}
