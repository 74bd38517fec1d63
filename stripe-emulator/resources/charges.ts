/**
 * Charges (ch_ for cards, py_ for ACH debits), their balance transactions (with Stripe's fees)
 * (disputes are in disputes.ts). Charges are only created by confirming intents; the API reads them.
 */
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { type Emulator, type Route } from "../context";
import { createdFilter, lookup, newId, PAGINATION_PARAMS, paginate, randomString } from "../wire";

export interface ChargeFailure {
  code: string;
  declineCode?: string;
  message: string;
}

/** Card 2.9% + 30¢; ACH 0.8% capped at $5 (Stripe's US list prices). */
function feeFor(amount: number, type: string): number {
  return type === "us_bank_account" ? Math.min(Math.round(amount * 0.008), 500) : Math.round(amount * 0.029) + 30;
}

export function createBalanceTransaction(
  em: Emulator,
  input: { amount: number; currency: string; fee: number; source: string; type: "charge" | "payment" | "refund" | "payment_refund" | "refund_failure" | "payment_failure_refund" | "adjustment"; description: string | null },
): Stripe.BalanceTransaction {
  const created = em.now();
  const txn: Stripe.BalanceTransaction = {
    id: newId("txn_"),
    object: "balance_transaction",
    amount: input.amount,
    available_on: created + 2 * 86_400,
    balance_type: "payments",
    created,
    currency: input.currency,
    description: input.description,
    exchange_rate: null,
    fee: input.fee,
    fee_details: input.fee ? [{ amount: input.fee, application: null, currency: input.currency, description: "Stripe processing fees", type: "stripe_fee" }] : [],
    net: input.amount - input.fee,
    reporting_category: input.type === "refund" || input.type === "payment_refund" ? "refund" : input.type === "refund_failure" || input.type === "payment_failure_refund" ? "refund_failure" : input.type === "adjustment" ? "dispute" : "charge",
    source: input.source,
    status: "pending",
    type: input.type,
  };
  em.state.balanceTransactions[txn.id] = txn;
  return txn;
}

function paymentMethodDetails(
  pm: Stripe.PaymentMethod,
  amount: number,
  options: { mandate: string | null; threeDSecure: boolean },
): Stripe.Charge.PaymentMethodDetails {
  if (pm.type === "us_bank_account" && pm.us_bank_account) {
    const bank = pm.us_bank_account;
    return {
      type: "us_bank_account",
      us_bank_account: {
        account_holder_type: bank.account_holder_type,
        account_type: bank.account_type,
        bank_name: bank.bank_name,
        expected_debit_date: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
        fingerprint: bank.fingerprint,
        last4: bank.last4,
        ...(options.mandate ? { mandate: options.mandate } : {}),
        payment_reference: null,
        routing_number: bank.routing_number,
      },
    };
  }
  const card = pm.card!;
  return {
    type: "card",
    card: {
      amount_authorized: amount,
      authorization_code: randomString(6).toUpperCase(),
      brand: card.brand,
      checks: card.checks,
      country: card.country,
      electronic_commerce_indicator: options.threeDSecure ? "05" : null,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      extended_authorization: { status: "disabled" },
      fingerprint: card.fingerprint ?? null,
      funding: card.funding,
      incremental_authorization: { status: "unavailable" },
      installments: null,
      last4: card.last4,
      mandate: null,
      multicapture: { status: "unavailable" },
      network: card.brand,
      network_token: { used: false },
      network_transaction_id: randomString(15).replace(/\D/g, "7"),
      overcapture: { maximum_amount_capturable: amount, status: "unavailable" },
      regulated_status: "unregulated",
      three_d_secure: options.threeDSecure
        ? {
            authentication_flow: "challenge",
            electronic_commerce_indicator: "05",
            exemption_indicator: null,
            result: "authenticated",
            result_reason: null,
            transaction_id: randomUUID(),
            version: "2.2.0",
          }
        : null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

function outcomeFor(status: Stripe.Charge.Status, failure: ChargeFailure | undefined): Stripe.Charge.Outcome {
  if (status === "failed") {
    return {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "declined_by_network",
      reason: failure?.declineCode ?? failure?.code ?? null,
      risk_level: "normal",
      seller_message: "The bank did not return any further details with this decline.",
      type: "issuer_declined",
    };
  }
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "approved_by_network",
    reason: null,
    risk_level: "normal",
    seller_message: "Payment complete.",
    type: "authorized",
  };
}

/** A charge for an intent's attempt: succeeded (card), pending (ACH) or failed. */
export function createCharge(
  em: Emulator,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  status: "succeeded" | "pending" | "failed",
  options: { failure?: ChargeFailure; mandate?: string | null; threeDSecure?: boolean } = {},
): Stripe.Charge {
  const isBank = pm.type === "us_bank_account";
  const id = newId(isBank ? "py_" : "ch_");
  const charge: Stripe.Charge = {
    id,
    object: "charge",
    amount: pi.amount,
    amount_captured: status === "failed" ? 0 : pi.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: structuredClone(pm.billing_details),
    calculated_statement_descriptor: pi.statement_descriptor ?? "STRIPE EMULATOR",
    captured: status !== "failed",
    created: em.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: options.failure?.code ?? null,
    failure_message: options.failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: outcomeFor(status, options.failure),
    paid: status === "succeeded",
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: paymentMethodDetails(pm, pi.amount, { mandate: options.mandate ?? null, threeDSecure: options.threeDSecure ?? false }),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${em.options.publicUrl}/receipts/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status,
    transfer_data: null,
    transfer_group: null,
  };
  if (status === "succeeded") recordFunds(em, charge, pm.type);
  em.state.charges[id] = charge;
  return charge;
}

function recordFunds(em: Emulator, charge: Stripe.Charge, type: string): void {
  const txn = createBalanceTransaction(em, {
    amount: charge.amount,
    currency: charge.currency,
    fee: feeFor(charge.amount, type),
    source: charge.id,
    type: type === "us_bank_account" ? "payment" : "charge",
    description: charge.description,
  });
  charge.balance_transaction = txn.id;
}

/** A pending ACH debit arrived. */
export function settleCharge(em: Emulator, charge: Stripe.Charge): void {
  charge.status = "succeeded";
  charge.paid = true;
  recordFunds(em, charge, charge.payment_method_details?.type ?? "card");
}

/** A pending ACH debit came back. */
export function failCharge(charge: Stripe.Charge, failure: ChargeFailure): void {
  charge.status = "failed";
  charge.paid = false;
  charge.captured = false;
  charge.amount_captured = 0;
  charge.failure_code = failure.code;
  charge.failure_message = failure.message;
  charge.outcome = outcomeFor("failed", failure);
}

// ---------------------------------------------------------------------------------------------
// Disputes

export function scheduleDispute(em: Emulator, charge: Stripe.Charge): void {
  em.schedule({ kind: "dispute", id: charge.id, at: Date.now() + em.options.disputeDelayMs });
}

export const chargeRoutes: Route[] = [
  {
    method: "GET",
    path: /^\/v1\/charges\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.charges, id!, "charge"),
  },
  {
    method: "GET",
    path: /^\/v1\/charges$/,
    handle: (em, { params }) => {
      params.allowOnly(["customer", "payment_intent", "created", ...PAGINATION_PARAMS]);
      const customer = params.string("customer");
      const pi = params.string("payment_intent");
      const inRange = createdFilter(params);
      const items = em.store.newestFirst("charges").filter((c) => (!customer || c.customer === customer) && (!pi || c.payment_intent === pi) && inRange(c.created));
      return paginate(items, params, "/v1/charges");
    },
  },
  {
    method: "GET",
    path: /^\/v1\/balance_transactions\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.balanceTransactions, id!, "balance transaction"),
  },
];
