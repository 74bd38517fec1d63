import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { installments, paymentPlans, type PaymentPlan } from "#db/schema/plans";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { systemActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { MICRODEPOSIT_FAILURE_CODES } from "~/modules/payments/bank-verification.server";
import { saveMethod } from "~/modules/methods/save-method.server";
import { describeMethod } from "~/modules/payments/observe-stripe.server";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { ensureStripeCustomer } from "~/modules/payments/start-payment.server";
import { stripe } from "~/modules/stripe/client.server";
import { now, today } from "~/utils/clock";
import { conflict, forbidden, isProblem, notFound, type Problem } from "~/utils/problem";
import { activatePlan } from "./activate-plan.server";
import { recordPlanMandate } from "./plan-mandate.server";
import { endPlan } from "./end-plan.server";
import { isPayableInstallment } from "./installment-states";
import { lockPlan } from "./lock.server";
import { canAuthorizePlan } from "./plan-states";
import { mandateConfirmationEmail, planAwaitingApprovalEmail, planAwaitingApprovalStaffEmail } from "./plan-emails";
import { payerFacts, scheduleOf, staffFacts } from "./plan-facts.server";
import { log } from "~/utils/log.server";
import { transitionPlan } from "./transition-plan.server";

const CHECKOUT_MINUTES = 30;
/** The payer's actions on a plan the schedule or Stripe moves by themselves are recorded as the portal's. */
const stripeActor = systemActor("stripe");

/**
 * Opens Stripe Checkout in setup mode so the payer authorizes the card or bank account the plan
 * will charge (first time, or to replace it). An open session is reused rather than duplicated.
 */
export async function openSetupCheckout(actor: Actor, input: { planId: string; accountId: string }): Promise<{ url: string } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only the payer authorizes a plan's payment method.");
  const planId = input.planId;
  // In the payer's scope: a plan of another account is as absent as one that does not exist.
  const [plan] = await db
    .select()
    .from(paymentPlans)
    .where(and(eq(paymentPlans.id, planId), inReadersAccount(payerScope(actor.userId), paymentPlans.accountId, input.accountId)));
  if (!plan) return notFound("That plan does not exist.");
  if (!canAuthorizePlan(plan.status)) return conflict("This plan can no longer take a payment method.");
  try {
    if (plan.setupCheckoutSessionId && plan.setupCheckoutUrl) {
      const previous = await stripe().checkout.sessions.retrieve(plan.setupCheckoutSessionId);
      if (previous.status === "open") return { url: plan.setupCheckoutUrl };
    }
    const customer = await ensureStripeCustomer(plan.accountId);
    const appUrl = env().APP_URL;
    const session = await stripe().checkout.sessions.create(
      {
        mode: "setup",
        customer,
        currency: plan.currency.toLowerCase(),
        // ACH debits exist only in USD.
        allowed_payment_method_types: plan.currency === "USD" ? ["card", "us_bank_account"] : ["card"],
        client_reference_id: plan.id,
        metadata: { plan_id: plan.id },
        setup_intent_data: { metadata: { plan_id: plan.id }, description: `Payment plan ${plan.id}` },
        success_url: `${appUrl}/plans/${plan.id}?authorized=1`,
        cancel_url: `${appUrl}/plans/${plan.id}?canceled=1`,
        expires_at: Math.floor(Date.now() / 1000) + CHECKOUT_MINUTES * 60,
      },
      // Derived from the plan and the session it replaces: a retried request makes no second session.
      { idempotencyKey: `plan-setup-${plan.id}-${plan.setupCheckoutSessionId ?? "first"}` },
    );
    await db.update(paymentPlans).set({ setupCheckoutSessionId: session.id, setupCheckoutUrl: session.url, updatedAt: new Date() }).where(eq(paymentPlans.id, plan.id));
    return { url: session.url! };
  } catch (error) {
    log("error", "setup checkout failed", { planId, error: String(error) });
    return conflict("We could not reach our payment provider. Nothing was charged; please try again in a moment.");
  }
}

/**
 * Brings a plan in line with its setup session (from the webhook, the return page or the
 * schedule job): a completed session gives the plan its payment method, which activates it or
 * sends it for approval; an expired first authorization cancels the plan and frees its invoices.
 */
export async function syncPlanSetup(planId: string): Promise<PaymentPlan["status"] | null> {
  const [current] = await db.select().from(paymentPlans).where(eq(paymentPlans.id, planId));
  if (!current?.setupCheckoutSessionId || !canAuthorizePlan(current.status)) return current?.status ?? null;
  const session = await stripe().checkout.sessions.retrieve(current.setupCheckoutSessionId, { expand: ["setup_intent", "setup_intent.payment_method"] });
  const si = typeof session.setup_intent === "object" ? session.setup_intent : null;
  const pm = si && typeof si.payment_method === "object" ? si.payment_method : null;

  return db.transaction(async (tx) => {
    const plan = await lockPlan(tx, planId);
    if (!plan || plan.setupCheckoutSessionId !== session.id || !canAuthorizePlan(plan.status)) return plan?.status ?? null;
    if (session.status === "expired" && plan.status === "authorizing") {
      const ended = await endPlan(tx, stripeActor, plan, "canceled", "The payment method was not authorized in time.");
      return isProblem(ended) ? plan.status : ended.status;
    }
    // The bank account's microdeposits were not confirmed (3 wrong tries, or the 10 days passed): a first authorization gives up.
    const verificationFailed = (MICRODEPOSIT_FAILURE_CODES as readonly string[]).includes(si?.last_setup_error?.code ?? "");
    if (session.status === "complete" && si?.status === "requires_payment_method" && verificationFailed && plan.status === "authorizing") {
      const reason =
        si.last_setup_error?.code === "payment_method_microdeposit_verification_timeout"
          ? "Your bank account was not verified within 10 days, so the plan was canceled. Nothing was charged."
          : "Your bank account could not be verified (the deposit amounts were entered wrongly 3 times), so the plan was canceled. Nothing was charged.";
      const ended = await endPlan(tx, stripeActor, plan, "canceled", reason);
      return isProblem(ended) ? plan.status : ended.status;
    }
    if (session.status !== "complete" || si?.status !== "succeeded" || !pm || plan.stripePaymentMethodId === pm.id) return plan.status;

    const { method, label } = describeMethod({ type: pm.type, card: pm.card, us_bank_account: pm.us_bank_account } as unknown as Stripe.Charge.PaymentMethodDetails);
    const mandate = typeof si.mandate === "string" ? si.mandate : (si.mandate?.id ?? null);
    const at = now();
    const replacing = plan.stripePaymentMethodId !== null;
    await tx
      .update(paymentPlans)
      .set({ stripePaymentMethodId: pm.id, stripeMandateId: mandate, method, methodLabel: label, authorizedAt: plan.authorizedAt ?? at, updatedAt: at })
      .where(eq(paymentPlans.id, plan.id));
    const fresh: PaymentPlan = { ...plan, stripePaymentMethodId: pm.id, stripeMandateId: mandate, method, methodLabel: label };
    // The payer sees the plan's method among their saved methods (and autopay may reuse it).
    await saveMethod(tx, { accountId: plan.accountId, paymentMethod: pm, mandateId: mandate });
    await recordAudit(tx, { actorUserId: plan.createdByUserId, actorType: "user", action: replacing ? "plan.payment_method_updated" : "plan.authorized", subjectType: "payment_plan", subjectId: plan.id, data: { method, label, mandate } });

    if (method === "us_bank_account" && label) await recordPlanMandate(tx, { accountId: plan.accountId, pm, mandateId: mandate, label });
    const payer = await payerFacts(tx, plan);
    // The mandate goes to whoever authorized it, whatever their preferences.
    const authorizer = await payerFacts(tx, plan, { personal: true });
    if (method === "us_bank_account" && authorizer && pm.us_bank_account) {
      const schedule = (await scheduleOf(tx, plan.id)).filter((s) => isPayableInstallment(s.status));
      await queueEmail(
        tx,
        mandateConfirmationEmail({
          ...authorizer,
          authorizedOn: today(),
          holder: pm.billing_details?.name ?? authorizer.name,
          bank: pm.us_bank_account.bank_name ?? "your bank",
          last4: pm.us_bank_account.last4 ?? "",
          schedule,
        }),
      );
    }

    if (replacing) {
      await recordEvent(tx, { type: "plan.payment_method_updated", accountId: plan.accountId, subjectType: "payment_plan", subjectId: plan.id, data: { method, methodLabel: label } });
      // A failed installment is retried at once with the new method rather than at its retry date.
      if (plan.status === "active") {
        const failed = await tx
          .select({ id: installments.id })
          .from(installments)
          .where(and(eq(installments.planId, plan.id), eq(installments.status, "failed")));
        for (const f of failed) await enqueueJob(tx, "charge_installment", { installmentId: f.id }, { jobKey: `charge_installment:${f.id}`, maxAttempts: 1 });
      }
      return plan.status;
    }
    const threshold = plan.policy.approvalThreshold;
    if (threshold !== null && plan.total > threshold) {
      const waiting = await transitionPlan(tx, stripeActor, fresh, "awaiting_approval");
      if (isProblem(waiting)) return plan.status;
      if (payer) await queueEmail(tx, planAwaitingApprovalEmail({ ...payer, total: plan.total }));
      for (const staff of await staffFacts(tx, plan)) await queueEmail(tx, planAwaitingApprovalStaffEmail({ ...staff, total: plan.total }));
      return "awaiting_approval";
    }
    const active = await activatePlan(tx, stripeActor, fresh);
    return isProblem(active) ? plan.status : active.status;
  });
}
