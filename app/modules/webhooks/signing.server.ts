import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A new endpoint secret: "whsec_" + base64 of 32 random bytes (Standard Webhooks). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** One `v1,<base64>` signature of "id.timestamp.body" with the official library. */
export function signPayload(secret: string, id: string, timestamp: Date, body: string): string {
  return new Webhook(secret).sign(id, timestamp, body);
}

/**
 * The three Standard Webhooks headers. During a rotation the previous secret signs too and both
 * signatures travel space-separated, so a consumer holding either secret verifies.
 */
export function signedHeaders(input: { id: string; body: string; at: Date; secret: string; previousSecret?: string | null }): Record<string, string> {
  const signatures = [signPayload(input.secret, input.id, input.at, input.body)];
  if (input.previousSecret) signatures.push(signPayload(input.previousSecret, input.id, input.at, input.body));
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(Math.floor(input.at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
