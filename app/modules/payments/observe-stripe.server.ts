import { bankAccountLabel } from "./payer-wording";
import type Stripe from "stripe";
import type { Payment, PaymentMethodType } from "#db/schema/payments";
import { stripe } from "~/modules/stripe/client.server";

/** What Stripe says about a payment right now, reduced to what the portal acts on. */
export interface ObservedPayment {
  /** verifying: Checkout completed but the bank account waits for microdeposits (the intent is requires_action). */
  state: "open" | "verifying" | "processing" | "succeeded" | "failed" | "expired";
  paymentIntentId: string | null;
  chargeId: string | null;
  method: PaymentMethodType | null;
  methodLabel: string | null;
  /** The latest decline or debit failure, if any. */
  failure: { code: string | null; message: string } | null;
  /** The payment method Stripe attached to the customer for later use. */
  savedPaymentMethodId: string | null;
  /** Stripe's hosted page where the payer can confirm the microdeposits, while verifying. */
  verificationUrl: string | null;
  /** That payment method as Stripe describes it (brand, last 4, expiry, bank), and the bank debit's mandate. */
  savedPaymentMethod: Stripe.PaymentMethod | null;
  mandateId: string | null;
}

export function describeMethod(details: Stripe.Charge.PaymentMethodDetails | null | undefined): { method: PaymentMethodType | null; label: string | null } {
  if (details?.card) {
    const brand = details.card.brand ? details.card.brand[0]!.toUpperCase() + details.card.brand.slice(1) : "Card";
    return { method: "card", label: `${brand} •••• ${details.card.last4}` };
  }
  if (details?.us_bank_account) {
    return { method: "us_bank_account", label: bankAccountLabel(details.us_bank_account.bank_name, details.us_bank_account.last4 ?? "") };
  }
  return { method: null, label: null };
}

function fromPaymentIntent(pi: Stripe.PaymentIntent | null): Omit<ObservedPayment, "state"> {
  const charge = pi && typeof pi.latest_charge === "object" ? pi.latest_charge : null;
  const pm = pi && typeof pi.payment_method === "object" ? pi.payment_method : null;
  let { method, label } = describeMethod(charge?.payment_method_details);
  if (!method && pm) {
    ({ method, label } = describeMethod({ type: pm.type, card: pm.card, us_bank_account: pm.us_bank_account } as unknown as Stripe.Charge.PaymentMethodDetails));
  }
  const error = pi?.last_payment_error;
  return {
    paymentIntentId: pi?.id ?? null,
    chargeId: charge?.id ?? null,
    method,
    methodLabel: label,
    failure: error ? { code: error.decline_code ?? error.code ?? null, message: error.message ?? "The payment was declined." } : null,
    savedPaymentMethodId: pm && pm.customer ? pm.id : null,
    verificationUrl: awaitsMicrodeposits(pi) ? (pi!.next_action!.verify_with_microdeposits!.hosted_verification_url ?? null) : null,
    savedPaymentMethod: pm && pm.customer ? pm : null,
    mandateId: mandateIdOf(charge?.payment_method_details?.us_bank_account?.mandate),
  };
}

/** Stripe completed Checkout with the bank account unverified: the payer must confirm the microdeposits. */
export function awaitsMicrodeposits(intent: { status: string; next_action?: { type: string } | null } | null): boolean {
  return intent?.status === "requires_action" && intent.next_action?.type === "verify_with_microdeposits";
}
const mandateIdOf = (mandate: string | Stripe.Mandate | null | undefined): string | null => (typeof mandate === "string" ? mandate : (mandate?.id ?? null));

const expand = ["payment_intent", "payment_intent.latest_charge", "payment_intent.payment_method"];

/** Re-reads the payment's Checkout Session (or PaymentIntent) from Stripe: webhooks are only hints. */
export async function observePayment(payment: Payment): Promise<ObservedPayment | null> {
  if (payment.stripeCheckoutSessionId) {
    const session = await stripe().checkout.sessions.retrieve(payment.stripeCheckoutSessionId, { expand });
    const pi = typeof session.payment_intent === "object" ? session.payment_intent : null;
    const facts = fromPaymentIntent(pi);
    if (pi?.status === "succeeded") return { state: "succeeded", ...facts };
    if (pi?.status === "processing") return { state: "processing", ...facts };
    if (session.status === "complete" && awaitsMicrodeposits(pi)) return { state: "verifying", ...facts };
    // A completed session whose debit came back (ACH) is a failed payment.
    if (session.status === "complete" && pi && (pi.status === "requires_payment_method" || pi.status === "canceled")) return { state: "failed", ...facts };
    if (session.status === "expired") return { state: "expired", ...facts };
    return { state: "open", ...facts };
  }
  if (payment.stripePaymentIntentId) {
    const pi = await stripe().paymentIntents.retrieve(payment.stripePaymentIntentId, { expand: ["latest_charge", "payment_method"] });
    const facts = fromPaymentIntent(pi);
    const state = pi.status === "succeeded" ? "succeeded" : pi.status === "processing" ? "processing" : pi.status === "canceled" || (pi.status === "requires_payment_method" && pi.last_payment_error) ? "failed" : "open";
    return { state, ...facts };
  }
  return null;
}
