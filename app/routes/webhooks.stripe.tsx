import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveStripeWebhook } from "~/modules/payments/receive-stripe-webhook.server";

// Stripe → portal. The raw body must reach the signature check untouched.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const answer = await receiveStripeWebhook(await request.text(), request.headers.get("stripe-signature"));
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "text/plain" } });
}

export const loader = () => new Response("Method not allowed", { status: 405 });
