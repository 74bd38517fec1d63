/**
 * Disputes (chargebacks): a card dispute opens `needs_response` with the funds withdrawn, takes
 * evidence (`POST /v1/disputes/:id`, `submit=true` → under_review), can be accepted
 * (`POST /v1/disputes/:id/close` → lost) and is decided won/lost by the control endpoint. An ACH
 * dispute (an unauthorized return) is final at once: `lost`, funds withdrawn, no evidence.
 */
import type Stripe from "stripe";
import { type Emulator, NO_REQUEST, type RequestContext, type Route } from "../context";
import { createdFilter, formatAmount, invalid, lookup, mergeMetadata, newId, PAGINATION_PARAMS, paginate, type Params, previousAttributes, unexpectedState } from "../wire";
import { createBalanceTransaction } from "./charges";

/** Stripe's dispute fee on a card chargeback (US list price); ACH returns carry none here. */
const CARD_DISPUTE_FEE = 1500;

const EVIDENCE_FIELDS = [
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_communication",
  "customer_email_address",
  "customer_name",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "product_description",
  "receipt",
  "refund_policy",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "service_documentation",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_documentation",
  "shipping_tracking_number",
  "uncategorized_file",
  "uncategorized_text",
] as const;

const FINAL: ReadonlySet<string> = new Set(["won", "lost", "warning_closed", "prevented"]);
const AWAITING_EVIDENCE: ReadonlySet<string> = new Set(["needs_response", "warning_needs_response"]);

function emptyEvidence(): Stripe.Dispute.Evidence {
  const fields = Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null]));
  return { ...fields, enhanced_evidence: {} } as unknown as Stripe.Dispute.Evidence;
}

function isBankCharge(charge: Stripe.Charge): boolean {
  return charge.payment_method_details?.type === "us_bank_account";
}

export interface OpenDisputeOptions {
  /** Part of the charge (default: all that is not refunded). */
  amount?: number;
  reason?: string;
  req?: RequestContext;
}

/**
 * Opens a dispute on a succeeded charge: card → `needs_response` (evidence due in 7 days), ACH →
 * an unauthorized return, `lost` at once. Both withdraw the amount (charge.dispute.funds_withdrawn).
 * Returns undefined when the charge is unknown or already disputed (the timeline's job is a no-op).
 */
export function openDispute(em: Emulator, chargeId: string, options: OpenDisputeOptions = {}): Stripe.Dispute | undefined {
  const charge = em.state.charges[chargeId];
  if (!charge || charge.disputed || charge.status !== "succeeded") return undefined;
  const req = options.req ?? NO_REQUEST;
  const isBank = isBankCharge(charge);
  const disputable = charge.amount - charge.amount_refunded;
  if (options.amount === undefined && disputable < 1) return undefined;
  const amount = options.amount ?? disputable;
  if (amount < 1 || amount > disputable) {
    throw invalid(`A dispute of ${formatAmount(amount, charge.currency)} is more than the undisputed, unrefunded ${formatAmount(disputable, charge.currency)} of charge ${charge.id}.`, "amount");
  }
  const created = em.now();
  const card = charge.payment_method_details?.card;
  const id = newId("dp_");
  const dispute: Stripe.Dispute = {
    id,
    object: "dispute",
    amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: { due_by: isBank ? null : created + 7 * 86_400, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0, submission_method: "not_submitted" },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: isBank
      ? ({ type: "us_bank_account" } as Stripe.Dispute.PaymentMethodDetails)
      : { type: "card", card: { brand: card?.brand ?? "visa", case_type: "chargeback", network: card?.network ?? "visa", network_reason_code: "10.4" } },
    reason: options.reason ?? (isBank ? "debit_not_authorized" : "fraudulent"),
    // ACH disputes can't be contested: Stripe reports them already lost.
    status: isBank ? "lost" : "needs_response",
  };
  const withdrawal = createBalanceTransaction(em, { amount: -amount, currency: charge.currency, fee: isBank ? 0 : CARD_DISPUTE_FEE, source: id, type: "adjustment", description: `Chargeback withdrawal for ${charge.id}` });
  dispute.balance_transactions = [withdrawal];
  charge.disputed = true;
  em.state.disputes[id] = dispute;
  em.emit("charge.dispute.created", dispute, req);
  em.emit("charge.dispute.funds_withdrawn", dispute, req);
  return dispute;
}

/** Evidence given with `evidence[field]=…`; only the listed text and file fields exist on Stripe. */
function applyEvidence(dispute: Stripe.Dispute, evidence: Params): void {
  evidence.allowOnly(EVIDENCE_FIELDS);
  const target = dispute.evidence as unknown as Record<string, string | null>;
  for (const field of EVIDENCE_FIELDS) {
    if (evidence.isEmpty(field)) target[field] = null;
    else {
      const value = evidence.string(field, { max: 20_000 });
      if (value !== undefined) target[field] = value;
    }
  }
  dispute.evidence_details.has_evidence = EVIDENCE_FIELDS.some((f) => target[f] !== null);
}

function assertOpen(dispute: Stripe.Dispute, action: string): void {
  if (FINAL.has(dispute.status)) throw unexpectedState(`This dispute is already closed (status ${dispute.status}); you cannot ${action}.`);
  if (!AWAITING_EVIDENCE.has(dispute.status)) throw unexpectedState(`This dispute's evidence has been submitted and is under review (status ${dispute.status}); you cannot ${action}.`);
}

/** Evidence and metadata; `submit` sends the evidence to the network (→ under_review). */
export function updateDispute(em: Emulator, dispute: Stripe.Dispute, params: Params, req: RequestContext): Stripe.Dispute {
  params.allowOnly(["evidence", "metadata", "submit"]);
  const evidence = params.object("evidence");
  const submit = params.bool("submit") ?? true;
  const before = structuredClone(dispute);
  if (evidence || params.has("submit")) assertOpen(dispute, evidence ? "change its evidence" : "submit it");
  if (evidence) applyEvidence(dispute, evidence);
  dispute.metadata = mergeMetadata(dispute.metadata, params.metadata());
  // Like Stripe, evidence is submitted unless `submit=false` is passed.
  if ((evidence || params.has("submit")) && submit) {
    dispute.status = dispute.status === "warning_needs_response" ? "warning_under_review" : "under_review";
    dispute.evidence_details.submission_count += 1;
    dispute.evidence_details.submission_method = "manual";
  }
  const previous = previousAttributes(before, dispute);
  if (previous) em.emit("charge.dispute.updated", dispute, req, previous);
  return dispute;
}

/** Accepting a dispute: the merchant gives up, the dispute is lost (an inquiry closes as warning_closed). */
export function acceptDispute(em: Emulator, dispute: Stripe.Dispute, req: RequestContext): Stripe.Dispute {
  assertOpen(dispute, "close it");
  const before = structuredClone(dispute);
  dispute.status = dispute.status === "warning_needs_response" ? "warning_closed" : "lost";
  em.emit("charge.dispute.closed", dispute, req, previousAttributes(before, dispute));
  return dispute;
}

/**
 * The card network's decision (control endpoint only). Won: the withdrawn funds come back
 * (charge.dispute.funds_reinstated) before charge.dispute.closed; lost: only closed.
 */
export function decideDispute(em: Emulator, dispute: Stripe.Dispute, outcome: "won" | "lost", req: RequestContext = NO_REQUEST): Stripe.Dispute {
  if (FINAL.has(dispute.status)) throw unexpectedState(`This dispute is already closed (status ${dispute.status}).`);
  const before = structuredClone(dispute);
  dispute.status = outcome;
  if (outcome === "won") {
    const withdrawn = -dispute.balance_transactions.reduce((sum, t) => sum + t.amount, 0);
    if (withdrawn > 0) {
      const charge = em.state.charges[typeof dispute.charge === "string" ? dispute.charge : dispute.charge.id];
      const reinstatement = createBalanceTransaction(em, { amount: withdrawn, currency: dispute.currency, fee: 0, source: dispute.id, type: "adjustment", description: `Chargeback reversal for ${charge?.id ?? dispute.charge}` });
      dispute.balance_transactions = [...dispute.balance_transactions, reinstatement];
      em.emit("charge.dispute.funds_reinstated", dispute, req, previousAttributes(before, dispute));
    }
  }
  em.emit("charge.dispute.closed", dispute, req, previousAttributes(before, dispute));
  return dispute;
}

export const disputeRoutes: Route[] = [
  {
    method: "GET",
    path: /^\/v1\/disputes\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.disputes, id!, "dispute"),
  },
  {
    method: "POST",
    path: /^\/v1\/disputes\/([^/]+)$/,
    handle: (em, { ids: [id], params, req }) => updateDispute(em, lookup(em.state.disputes, id!, "dispute"), params, req),
  },
  {
    method: "POST",
    path: /^\/v1\/disputes\/([^/]+)\/close$/,
    handle: (em, { ids: [id], params, req }) => {
      params.allowOnly([]);
      return acceptDispute(em, lookup(em.state.disputes, id!, "dispute"), req);
    },
  },
  {
    method: "GET",
    path: /^\/v1\/disputes$/,
    handle: (em, { params }) => {
      params.allowOnly(["charge", "payment_intent", "created", ...PAGINATION_PARAMS]);
      const charge = params.string("charge");
      const pi = params.string("payment_intent");
      const inRange = createdFilter(params);
      const items = em.store.newestFirst("disputes").filter((d) => (!charge || d.charge === charge) && (!pi || d.payment_intent === pi) && inRange(d.created));
      return paginate(items, params, "/v1/disputes");
    },
  },
];
