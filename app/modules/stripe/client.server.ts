import Stripe from "stripe";
import { env } from "~/env.server";

let client: Stripe | undefined;

/**
 * The one Stripe client: pinned to the SDK's own API version, no telemetry, and pointed at
 * STRIPE_API_BASE when set (the local emulator) — the same code path everywhere.
 */
export function stripe(): Stripe {
  if (!client) {
    const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = env();
    const base = STRIPE_API_BASE ? new URL(STRIPE_API_BASE) : undefined;
    client = new Stripe(STRIPE_SECRET_KEY, {
      typescript: true,
      telemetry: false,
      maxNetworkRetries: 2,
      timeout: 20_000,
      ...(base ? { host: base.hostname, port: Number(base.port || (base.protocol === "https:" ? 443 : 80)), protocol: base.protocol.replace(":", "") as "http" | "https" } : {}),
    });
  }
  return client;
}

/** Where Stripe's hosted pages live: the portal's CSP must let forms redirect there. */
export function stripeCheckoutOrigin(): string {
  const base = env().STRIPE_API_BASE;
  return base ? new URL(base).origin : "https://checkout.stripe.com";
}
