import { env } from "~/env.server";

/**
 * A development-only webhook receiver (/dev/webhook-receiver), so a person running
 * `npm run dev` can point an endpoint at the portal itself and watch deliveries arrive.
 * Kept in memory: it is a window, not a log.
 */
export interface ReceivedWebhook {
  receivedAt: string;
  id: string | null;
  timestamp: string | null;
  signature: string | null;
  body: string;
}

// On globalThis only so that what arrived stays in view across development rebuilds (each
// rebuild evaluates the app's modules afresh); routes and jobs share one copy anyway.
const holder = globalThis as unknown as { __devWebhooks?: ReceivedWebhook[] };

export function devReceiverEnabled(): boolean {
  return env().NODE_ENV !== "production";
}

export function recordDevWebhook(headers: Headers, body: string): void {
  holder.__devWebhooks ??= [];
  holder.__devWebhooks.unshift({
    receivedAt: new Date().toISOString(),
    id: headers.get("webhook-id"),
    timestamp: headers.get("webhook-timestamp"),
    signature: headers.get("webhook-signature"),
    body: body.slice(0, 20_000),
  });
  holder.__devWebhooks.length = Math.min(holder.__devWebhooks.length, 100);
}

export function listDevWebhooks(): ReceivedWebhook[] {
  return holder.__devWebhooks ?? [];
}
