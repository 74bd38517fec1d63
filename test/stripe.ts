import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type EmulatorOptions, startStripeEmulator, type RunningEmulator } from "@eipp/stripe-emulator";

/**
 * A Stripe emulator for one test file, with webhooks delivered to the portal's real webhook
 * handler through a local HTTP receiver. Call before anything reads the configuration.
 * `options` override the emulator's, e.g. `{ webhookDelivery: "chaos" }`; without them the
 * STRIPE_EMULATOR_WEBHOOKS environment variable decides, so a whole run can go under chaos.
 */
export async function startTestStripe(options: Partial<EmulatorOptions> = {}): Promise<{ emulator: RunningEmulator; stop: () => Promise<void> }> {
  const secret = process.env.STRIPE_WEBHOOK_SECRET!;
  let receiver: Server | undefined;
  const receiverUrl = await new Promise<string>((resolve) => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const { receiveStripeWebhook } = await import("~/modules/payments/receive-stripe-webhook.server");
        const answer = await receiveStripeWebhook(Buffer.concat(chunks).toString("utf8"), (req.headers["stripe-signature"] as string) ?? null);
        res.statusCode = answer.status;
        res.end(answer.body);
      });
    }).listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(receiver!.address() as AddressInfo).port}/webhooks/stripe`));
  });
  const emulator = await startStripeEmulator({ port: 0, webhookUrl: receiverUrl, webhookSecret: secret, achSettleDelayMs: 0, webhookRetryDelaysMs: [200, 500, 1000], ...options });
  process.env.STRIPE_API_BASE = emulator.url;
  return {
    emulator,
    stop: async () => {
      await emulator.stop();
      await new Promise((r) => receiver!.close(r));
    },
  };
}

/** Posts to one of the emulator's control endpoints (outside /v1). */
export async function control(emulator: RunningEmulator, path: string, body: Record<string, string> = {}) {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, { method: "POST", body: new URLSearchParams(body) });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<unknown>;
}

/**
 * Waits until the emulator has no delivery left to make (first attempts and retries), then a
 * little longer for chaos mode's late duplicates, so what the portal received is final.
 */
export async function webhooksQuiet(emulator: RunningEmulator, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${emulator.url}/_emulator/deliveries`);
    const { data } = (await res.json()) as { data: { state: string }[] };
    if (data.every((d) => d.state !== "pending")) break;
    if (Date.now() > deadline) throw new Error("webhook deliveries still pending");
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, (emulator.webhookChaos?.maxDelayMs ?? 0) + 50));
}
