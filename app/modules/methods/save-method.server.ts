import { and, eq, isNull, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { savedPaymentMethods, type BankVerificationState } from "#db/schema/payments";
import type { Tx } from "~/db.server";
import { env } from "~/env.server";
import { now } from "~/utils/clock";
import { savedBankMandateText, savedMethodDetails } from "./method-details";

export interface SaveMethodInput {
  accountId: string;
  paymentMethod: Pick<Stripe.PaymentMethod, "id" | "type" | "card" | "us_bank_account">;
  /** The Stripe mandate of a bank account (from the charge or the setup intent). */
  mandateId: string | null;
  /** A bank account awaiting microdeposits is "pending"; everything else is verified when saved. */
  verification?: BankVerificationState;
}

/**
 * Keeps a payment method the payer chose to save (at a payment, or a plan's authorization) with its
 * details, in the caller's transaction. Saving the same Stripe method again changes nothing. The
 * account's first method becomes its default; an advisory lock per account keeps two concurrent
 * saves from both claiming it (the partial unique index would otherwise fail one of them).
 */
export async function saveMethod(tx: Tx, input: SaveMethodInput): Promise<{ id: string; created: boolean } | null> {
  const details = savedMethodDetails(input.paymentMethod);
  if (!details) return null;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`saved_methods:${input.accountId}`}))`);
  const [hasDefault] = await tx
    .select({ id: savedPaymentMethods.id })
    .from(savedPaymentMethods)
    .where(and(eq(savedPaymentMethods.accountId, input.accountId), eq(savedPaymentMethods.isDefault, true), isNull(savedPaymentMethods.removedAt)));
  const isBank = details.type === "us_bank_account";
  const [inserted] = await tx
    .insert(savedPaymentMethods)
    .values({
      accountId: input.accountId,
      stripePaymentMethodId: input.paymentMethod.id,
      ...details,
      isDefault: !hasDefault,
      stripeMandateId: input.mandateId,
      // Only a bank debit has a mandate the payer agreed to in the portal's words.
      mandateText: isBank && input.mandateId ? savedBankMandateText(env().COMPANY_NAME, details.label) : null,
      mandateAcceptedAt: isBank && input.mandateId ? now() : null,
      verification: isBank ? (input.verification ?? "verified") : "verified",
    })
    .onConflictDoNothing({ target: savedPaymentMethods.stripePaymentMethodId })
    .returning({ id: savedPaymentMethods.id });
  if (inserted) return { id: inserted.id, created: true };
  const [existing] = await tx.select({ id: savedPaymentMethods.id }).from(savedPaymentMethods).where(eq(savedPaymentMethods.stripePaymentMethodId, input.paymentMethod.id));
  return existing ? { id: existing.id, created: false } : null;
}
