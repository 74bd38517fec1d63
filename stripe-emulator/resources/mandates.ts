/** Mandates: the payer's authorization of ACH debits (single debit, or recurring when saved). */
import type Stripe from "stripe";
import { type Emulator, type Route } from "../context";
import { invalid, lookup, newId, type Params } from "../wire";

export type Acceptance = { type: "online"; ipAddress: string; userAgent: string } | { type: "offline" };

export function createMandate(
  em: Emulator,
  pm: Stripe.PaymentMethod,
  input: { acceptance: Acceptance; multiUse: boolean; amount?: number; currency?: string },
): Stripe.Mandate {
  const mandate: Stripe.Mandate = {
    id: newId("mandate_"),
    object: "mandate",
    customer_acceptance:
      input.acceptance.type === "online"
        ? { accepted_at: em.now(), online: { ip_address: input.acceptance.ipAddress, user_agent: input.acceptance.userAgent }, type: "online" }
        : { accepted_at: em.now(), offline: {}, type: "offline" },
    livemode: false,
    ...(input.multiUse ? { multi_use: {} } : { single_use: { amount: input.amount ?? 0, currency: input.currency ?? "usd" } }),
    payment_method: pm.id,
    payment_method_details: { type: "us_bank_account", us_bank_account: {} },
    status: "active",
    type: input.multiUse ? "multi_use" : "single_use",
  };
  em.state.mandates[mandate.id] = mandate;
  em.store.changed();
  return mandate;
}

/** Reads `mandate_data[customer_acceptance]` as the intents' create and confirm accept it. */
export function readMandateData(params: Params): Acceptance | undefined {
  const data = params.object("mandate_data")?.allowOnly(["customer_acceptance"]);
  if (!data) return undefined;
  const acceptance = data.object("customer_acceptance", { required: true })!.allowOnly(["type", "online", "offline", "accepted_at"]);
  const type = acceptance.string("type", { required: true, oneOf: ["online", "offline"] as const });
  if (type === "offline") return { type };
  const online = acceptance.object("online");
  if (!online) throw invalid("You must provide mandate_data[customer_acceptance][online] when the acceptance type is online.", "mandate_data[customer_acceptance][online]");
  online.allowOnly(["ip_address", "user_agent", "infer_from_client"]);
  return { type, ipAddress: online.string("ip_address", { required: true }), userAgent: online.string("user_agent", { required: true }) };
}

export const mandateRoutes: Route[] = [
  {
    method: "GET",
    path: /^\/v1\/mandates\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.mandates, id!, "mandate"),
  },
];
