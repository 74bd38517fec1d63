import { and, eq } from "drizzle-orm";
import { paymentPlans, type PaymentPlan } from "#db/schema/plans";
import { db } from "~/db.server";
import type { PayerActor } from "~/modules/auth/actor";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { BANK_VERIFICATION_WINDOW_DAYS } from "~/modules/payments/bank-verification.server";
import { awaitsMicrodeposits } from "~/modules/payments/observe-stripe.server";
import { askStripe, stripeAnswer, wrongAnswer, type MicrodepositAnswer } from "~/modules/payments/verify-bank-account.server";
import { stripe } from "~/modules/stripe/client.server";
import { conflict, notFound, type Problem } from "~/utils/problem";
import { syncPlanSetup } from "./setup-checkout.server";

export interface PlanBankVerification {
  setupIntentId: string;
  /** Stripe's hosted verification page. */
  verificationUrl: string | null;
  /** When Stripe gives up on the microdeposits (10 days after the authorization). */
  expiresAt: string;
}

/**
 * Whether the plan's authorization waits for microdeposits: its setup Checkout completed but
 * the SetupIntent is still requires_action. Read from Stripe (the plan keeps only the session),
 * and only for a plan still authorizing, so the page asks Stripe only while it matters.
 */
export async function planBankVerification(plan: Pick<PaymentPlan, "status" | "setupCheckoutSessionId">): Promise<PlanBankVerification | null> {
  if (plan.status !== "authorizing" || !plan.setupCheckoutSessionId) return null;
  const session = await stripe().checkout.sessions.retrieve(plan.setupCheckoutSessionId, { expand: ["setup_intent"] });
  const si = typeof session.setup_intent === "object" ? session.setup_intent : null;
  if (session.status !== "complete" || !si || !awaitsMicrodeposits(si)) return null;
  return {
    setupIntentId: si.id,
    verificationUrl: si.next_action?.verify_with_microdeposits?.hosted_verification_url ?? null,
    expiresAt: new Date((si.created + BANK_VERIFICATION_WINDOW_DAYS * 86_400) * 1000).toISOString(),
  };
}

/**
 * The payer confirms the microdeposits of the bank account authorizing their plan. Verified, the
 * SetupIntent succeeds and syncPlanSetup activates the plan (or sends it for approval); after 3
 * wrong tries or the window, the plan is canceled with the reason (syncPlanSetup).
 */
export async function verifyPlanBankAccount(actor: PayerActor, input: { planId: string; accountId: string; answer: MicrodepositAnswer }): Promise<{ status: PaymentPlan["status"] | null } | Problem> {
  const plan = await payerPlan(actor, input);
  if (!plan) return notFound("That plan does not exist.");
  const waiting = await planBankVerification(plan);
  if (!waiting) return conflict("This plan is not waiting for a bank account verification any more.");
  const refused = await askStripe(() => stripe().setupIntents.verifyMicrodeposits(waiting.setupIntentId, stripeAnswer(input.answer)));
  const status = await syncPlanSetup(plan.id);
  const mismatch = refused ? wrongAnswer(refused, input.answer) : null;
  return mismatch ?? { status };
}

/** The payer's plan page: the verification it waits for, if any (another account's plan: null). */
export async function getPlanBankVerification(actor: PayerActor, input: { planId: string; accountId: string }): Promise<PlanBankVerification | null> {
  const plan = await payerPlan(actor, input);
  return plan ? planBankVerification(plan) : null;
}

async function payerPlan(actor: PayerActor, input: { planId: string; accountId: string }): Promise<PaymentPlan | undefined> {
  const [plan] = await db
    .select()
    .from(paymentPlans)
    .where(and(eq(paymentPlans.id, input.planId), inReadersAccount(payerScope(actor.userId), paymentPlans.accountId, input.accountId)));
  return plan;
}
