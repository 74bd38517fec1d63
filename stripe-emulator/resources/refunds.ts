/**
 * Refunds: card refunds succeed at once; ACH refunds stay `pending` until the settle time (or the
 * control endpoint). The charge's amount_refunded / refunded change when the refund is created.
 * A refund of a "refund_fails" test card (4000000000005126) or account (000444444440) fails at
 * that settle time instead: refund.failed, and the amount is no longer refunded on the charge.
 */
import type Stripe from "stripe";
import { type Emulator, NO_REQUEST, type RequestContext, type Route } from "../context";
import { createdFilter, createMetadata, formatAmount, idOf, invalid, lookup, mergeMetadata, newId, PAGINATION_PARAMS, paginate, previousAttributes } from "../wire";
import { bankBehaviour, cardBehaviour, REFUND_FAILURE_REASONS } from "../test-values";
import { createBalanceTransaction } from "./charges";

/** Whether refunds of this charge fail later (by the test number of the card or account it used). */
function refundWillFail(em: Emulator, charge: Stripe.Charge): boolean {
  const pmId = idOf(charge.payment_method);
  const secret = pmId ? em.state.secrets.paymentMethods[pmId] : undefined;
  if (!secret) return false;
  const isBank = charge.payment_method_details?.type === "us_bank_account";
  return (isBank ? bankBehaviour(secret.testNumber) : cardBehaviour(secret.testNumber)).kind === "refund_fails";
}

function refundableCharge(em: Emulator, params: { paymentIntent?: string; charge?: string }): Stripe.Charge {
  if (params.charge) {
    const charge = lookup(em.state.charges, params.charge, "charge", "charge");
    if (params.paymentIntent && idOf(charge.payment_intent) !== params.paymentIntent) throw invalid(`Charge ${charge.id} does not belong to PaymentIntent ${params.paymentIntent}.`, "charge");
    return charge;
  }
  const pi = lookup(em.state.paymentIntents, params.paymentIntent!, "payment_intent", "payment_intent");
  const charge = em.state.charges[idOf(pi.latest_charge) ?? ""];
  if (!charge || pi.status !== "succeeded") {
    throw invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund (status ${pi.status}).`, "payment_intent", "charge_not_refundable");
  }
  return charge;
}

export function createRefund(
  em: Emulator,
  input: { paymentIntent?: string; charge?: string; amount?: number; reason: Stripe.Refund.Reason | null; metadata: Stripe.Metadata },
  req: RequestContext,
): Stripe.Refund {
  const charge = refundableCharge(em, input);
  if (charge.status !== "succeeded") throw invalid(`Charge ${charge.id} has not succeeded (status ${charge.status}) and cannot be refunded.`, "charge", "charge_not_refundable");
  if (charge.disputed) throw invalid(`Charge ${charge.id} has been charged back; refunding it is not possible.`, "charge", "charge_disputed");
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
  const amount = input.amount ?? remaining;
  if (amount > remaining) {
    throw invalid(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      "amount",
      "amount_too_large",
    );
  }
  const isBank = charge.payment_method_details?.type === "us_bank_account";
  const id = newId("re_");
  const txn = createBalanceTransaction(em, { amount: -amount, currency: charge.currency, fee: 0, source: id, type: isBank ? "payment_refund" : "refund", description: null });
  const refund: Stripe.Refund = {
    id,
    object: "refund",
    amount,
    balance_transaction: txn.id,
    charge: charge.id,
    created: em.now(),
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: isBank
      ? { type: "us_bank_transfer", us_bank_transfer: { reference: null, reference_status: "pending" } }
      : { type: "card", card: { reference: "", reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" } },
    metadata: input.metadata,
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: isBank ? "pending" : "succeeded",
    transfer_reversal: null,
  };
  em.state.refunds[id] = refund;
  const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  em.emit("refund.created", refund, req);
  em.emit("charge.refunded", charge, req, before);
  // A card refund that will fail is reported succeeded first, like Stripe's 4000000000005126.
  if (isBank || refundWillFail(em, charge)) {
    const delay = em.options.achSettleDelayMs;
    em.schedule({ kind: "settle_refund", id, at: delay > 0 ? Date.now() + delay : null });
  }
  return refund;
}

/** A pending (ACH) refund reaches the payer's bank; a refund of a "refund_fails" test number fails instead. */
export function settleRefund(em: Emulator, id: string, req: RequestContext = NO_REQUEST): Stripe.Refund | undefined {
  const refund = em.state.refunds[id];
  if (!refund) return undefined;
  em.cancelJobs((j) => j.kind === "settle_refund" && j.id === id);
  const charge = em.state.charges[idOf(refund.charge) ?? ""];
  if (charge && refundWillFail(em, charge) && (refund.status === "pending" || refund.status === "succeeded")) return failRefund(em, refund, charge, req);
  if (refund.status !== "pending") return undefined;
  const before = structuredClone(refund);
  refund.status = "succeeded";
  if (refund.destination_details?.us_bank_transfer) refund.destination_details.us_bank_transfer.reference_status = "available";
  em.emit("refund.updated", refund, req, previousAttributes(before, refund));
  return refund;
}

/** The money came back: the refund failed and its amount is returned to the balance and the charge. */
function failRefund(em: Emulator, refund: Stripe.Refund, charge: Stripe.Charge, req: RequestContext): Stripe.Refund {
  const before = structuredClone(refund);
  const isBank = charge.payment_method_details?.type === "us_bank_account";
  const txn = createBalanceTransaction(em, { amount: refund.amount, currency: refund.currency, fee: 0, source: refund.id, type: isBank ? "payment_failure_refund" : "refund_failure", description: "REFUND FOR FAILED REFUND" });
  refund.status = "failed";
  refund.failure_reason = isBank ? REFUND_FAILURE_REASONS.bank : REFUND_FAILURE_REASONS.card;
  refund.failure_balance_transaction = txn.id;
  if (refund.destination_details?.us_bank_transfer) refund.destination_details.us_bank_transfer.reference_status = "unavailable";
  charge.amount_refunded -= refund.amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  const previous = previousAttributes(before, refund);
  em.emit("refund.failed", refund, req, previous);
  em.emit("refund.updated", refund, req, previous);
  em.emit("charge.refund.updated", refund, req, previous);
  return refund;
}

export const refundRoutes: Route[] = [
  {
    method: "POST",
    path: /^\/v1\/refunds$/,
    handle: (em, { params, req }) => {
      params.allowOnly(["payment_intent", "charge", "amount", "metadata", "reason", "instructions_email", "currency"]);
      const paymentIntent = params.string("payment_intent");
      const charge = params.string("charge");
      if (!paymentIntent && !charge) throw invalid("You must provide either a payment_intent or a charge to refund.", "payment_intent", "parameter_missing");
      return createRefund(
        em,
        {
          paymentIntent,
          charge,
          amount: params.int("amount", { min: 1 }),
          reason: params.string("reason", { oneOf: ["duplicate", "fraudulent", "requested_by_customer"] as const }) ?? null,
          metadata: createMetadata(params.metadata()),
        },
        req,
      );
    },
  },
  {
    method: "GET",
    path: /^\/v1\/refunds\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.refunds, id!, "refund"),
  },
  {
    method: "POST",
    path: /^\/v1\/refunds\/([^/]+)$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly(["metadata"]);
      const refund = lookup(em.state.refunds, id!, "refund");
      const before = structuredClone(refund);
      refund.metadata = mergeMetadata(refund.metadata, params.metadata());
      const previous = previousAttributes(before, refund);
      if (previous) em.emit("refund.updated", refund, req, previous);
      return refund;
    },
  },
  {
    method: "GET",
    path: /^\/v1\/refunds$/,
    handle: (em, { params }) => {
      params.allowOnly(["payment_intent", "charge", "created", ...PAGINATION_PARAMS]);
      const pi = params.string("payment_intent");
      const charge = params.string("charge");
      const inRange = createdFilter(params);
      const items = em.store.newestFirst("refunds").filter((r) => (!pi || r.payment_intent === pi) && (!charge || r.charge === charge) && inRange(r.created));
      return paginate(items, params, "/v1/refunds");
    },
  },
];
