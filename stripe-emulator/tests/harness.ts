/**
 * Test harness: an emulator on a random port, the real `stripe` SDK pointed at it, and a tiny
 * webhook receiver that verifies every delivery with `stripe.webhooks.constructEvent`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { type EmulatorOptions, type RunningEmulator, startStripeEmulator } from "../index";

export const SECRET = "whsec_test_secret";

/** Collects verified events; can be told to answer non-2xx to simulate a broken endpoint. */
export class Receiver {
  readonly events: Stripe.Event[] = [];
  readonly rejected: string[] = [];
  /** Every request, in arrival order, with the status it was answered. */
  readonly requests: { eventId: string | null; status: number }[] = [];
  /** Answer this status to the next N requests. */
  failNext: { count: number; status: number } = { count: 0, status: 500 };
  /** Wait this long before answering, so deliveries stay in flight while other work goes on. */
  answerDelayMs = 0;
  private server!: Server;
  url = "";

  constructor(private readonly sdk: Stripe) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        if (this.answerDelayMs > 0) await new Promise((r) => setTimeout(r, this.answerDelayMs));
        const body = Buffer.concat(chunks).toString("utf8");
        let event: Stripe.Event;
        try {
          event = this.sdk.webhooks.constructEvent(body, String(req.headers["stripe-signature"] ?? ""), SECRET);
        } catch (error) {
          this.rejected.push(String(error));
          this.requests.push({ eventId: null, status: 400 });
          res.writeHead(400).end();
          return;
        }
        if (this.failNext.count > 0) {
          this.failNext.count -= 1;
          this.requests.push({ eventId: event.id, status: this.failNext.status });
          res.writeHead(this.failNext.status).end();
          return;
        }
        this.events.push(event);
        this.requests.push({ eventId: event.id, status: 200 });
        res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  types(filter?: (e: Stripe.Event) => boolean): string[] {
    return this.events.filter(filter ?? (() => true)).map((e) => e.type);
  }

  /** Waits until `predicate` holds over the received events. */
  async waitFor(predicate: (events: Stripe.Event[]) => boolean, timeoutMs = 5000): Promise<Stripe.Event[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for webhooks; got: ${this.types().join(", ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.events;
  }

  async waitForType(type: string, timeoutMs = 5000): Promise<Stripe.Event> {
    await this.waitFor((events) => events.some((e) => e.type === type), timeoutMs);
    return this.events.find((e) => e.type === type)!;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface Harness {
  emulator: RunningEmulator;
  stripe: Stripe;
  receiver: Receiver;
  control(path: string, body?: Record<string, string>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export function sdkFor(port: number, options: Partial<ConstructorParameters<typeof Stripe>[1]> = {}, key = "sk_test_emulator"): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port, protocol: "http", telemetry: false, ...options });
}

export async function startHarness(options: Partial<EmulatorOptions> & { webhooks?: boolean } = {}): Promise<Harness> {
  const { webhooks = true, ...emulatorOptions } = options;
  const receiver = new Receiver(new Stripe("sk_test_verifier"));
  if (webhooks) await receiver.start();
  const emulator = await startStripeEmulator({
    port: 0,
    webhookSecret: SECRET,
    achSettleDelayMs: 0,
    webhookRetryDelaysMs: [100, 200, 400],
    disputeDelayMs: 50,
    // Pinned, so STRIPE_EMULATOR_WEBHOOKS=chaos in the environment can't reorder these suites.
    webhookDelivery: "ordered",
    ...(webhooks ? { webhookUrl: receiver.url } : {}),
    ...emulatorOptions,
  });
  return {
    emulator,
    stripe: sdkFor(emulator.port),
    receiver,
    control: async (path, body = {}) => {
      const res = await fetch(`${emulator.url}/_emulator/${path}`, { method: "POST", body: new URLSearchParams(body) });
      if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    stop: async () => {
      await emulator.stop();
      if (webhooks) await receiver.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Hosted Checkout, driven like a browser: POST the form, don't follow redirects.

export function cardForm(number: string, extra: Record<string, string> = {}): Record<string, string> {
  return { payment_method_type: "card", card_number: number, card_expiry: "12 / 34", card_cvc: "123", card_name: "Jenny Rosen", email: "jenny@example.com", ...extra };
}

export function bankForm(account: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    payment_method_type: "us_bank_account",
    account_holder_name: "Jenny Rosen",
    routing_number: "110000000",
    account_number: account,
    account_type: "checking",
    mandate: "accepted",
    email: "jenny@example.com",
    ...extra,
  };
}

export function submit(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

export async function paymentSession(stripe: Stripe, params: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [
      { quantity: 1, price_data: { currency: "usd", unit_amount: 12_500, product_data: { name: "Invoice INV-1001" } } },
      { quantity: 2, price_data: { currency: "usd", unit_amount: 2_500, product_data: { name: "Invoice INV-1002" } } },
    ],
    success_url: "http://portal.test/payments/done?session={CHECKOUT_SESSION_ID}",
    cancel_url: "http://portal.test/payments/canceled",
    ...params,
  });
}
