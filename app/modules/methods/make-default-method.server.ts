import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { inReadersAccount } from "~/modules/invoices/scope.server";
import { conflict, forbidden, notFound, type Problem } from "~/utils/problem";

/** The payer makes one of their account's saved methods the default (autopay and new plans start from it). */
export async function makeDefaultMethod(actor: Actor, input: { accountId: string; methodId: string }): Promise<{ id: string; label: string } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only the account's payers choose its default payment method.");
  return db.transaction(async (tx) => {
    // The same per-account lock as saving a method: one default at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`saved_methods:${input.accountId}`}))`);
    const [method] = await tx
      .select()
      .from(savedPaymentMethods)
      .where(and(eq(savedPaymentMethods.id, input.methodId), inReadersAccount(actor, savedPaymentMethods.accountId, input.accountId), isNull(savedPaymentMethods.removedAt)));
    if (!method) return notFound("That payment method is not saved on this account.");
    if (method.verification !== "verified") return conflict(`${method.label} is not verified yet, so it cannot be the default. Verify it first.`);
    if (method.isDefault) return { id: method.id, label: method.label };
    await tx
      .update(savedPaymentMethods)
      .set({ isDefault: false })
      .where(and(eq(savedPaymentMethods.accountId, input.accountId), eq(savedPaymentMethods.isDefault, true), ne(savedPaymentMethods.id, method.id)));
    await tx.update(savedPaymentMethods).set({ isDefault: true }).where(eq(savedPaymentMethods.id, method.id));
    await recordAudit(tx, { ...auditActor(actor), action: "payment_method.made_default", subjectType: "saved_payment_method", subjectId: method.id, data: { accountId: input.accountId, label: method.label } });
    return { id: method.id, label: method.label };
  });
}
