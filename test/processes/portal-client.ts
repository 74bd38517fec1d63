/**
 * What the processes tests do to the portal, over HTTP as a browser or a back office would:
 * sign in through an emailed link, pay through the emulator's hosted Checkout, open a dispute
 * with a file, import invoices through the API.
 */
import { randomBytes } from "node:crypto";
import { submitHostedCheckout } from "../hosted-checkout";
import { waitFor, type Stack } from "./harness";

type Fields = Record<string, string | string[]>;

/** A form POST as the portal's own page sends it (same Origin), without following the redirect. */
export function postForm(stack: Stack, base: string, path: string, fields: Fields, cookie?: string) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return fetch(`${base}${path}`, { method: "POST", body, redirect: "manual", headers: { Origin: stack.env.APP_URL!, ...(cookie ? { Cookie: cookie } : {}) } });
}

export function getPage(base: string, path: string, cookie?: string) {
  return fetch(`${base}${path}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
}

/** Asks for a sign-in link (at `base`: the proxy, or one process). Returns the response. */
export function requestSignInLink(stack: Stack, email: string, base = stack.proxy.url) {
  return postForm(stack, base, "/login", { email });
}

/** The sign-in link of the `nth` email to `email` once it has arrived. */
export async function signInLinkFor(stack: Stack, email: string, nth: number): Promise<string> {
  const mail = await waitFor(`sign-in email #${nth + 1} to ${email}`, () => stack.mail.for(email)[nth], 30_000);
  const link = /https?:\/\/\S+\/login\/verify\?token=[\w-]+/.exec(mail!.text)?.[0];
  if (!link) throw new Error(`no sign-in link in: ${mail!.text}`);
  return link;
}

/** Follows a sign-in link (POST, as the page's button does) at `base`; returns the session cookie. */
export async function followSignInLink(stack: Stack, link: string, base = stack.proxy.url): Promise<string> {
  const token = new URL(link).searchParams.get("token")!;
  const res = await postForm(stack, base, "/login/verify", { token });
  if (res.status !== 302) throw new Error(`sign-in link answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("portal_session="));
  if (!cookie) throw new Error("no session cookie");
  return cookie.split(";")[0]!;
}

/** The whole sign-in: request a link, read it from the mail catcher, follow it. */
export async function signIn(stack: Stack, email: string): Promise<string> {
  const before = stack.mail.for(email).length;
  const res = await requestSignInLink(stack, email);
  if (res.status !== 302) throw new Error(`asking for a link answered ${res.status}`);
  return followSignInLink(stack, await signInLinkFor(stack, email, before));
}

/** Pays one invoice in full by card through the emulator's hosted Checkout. Returns the checkout URL. */
export async function payByCard(stack: Stack, cookie: string, invoice: { id: string; total: number }): Promise<string> {
  const attemptId = randomBytes(12).toString("hex");
  const res = await postForm(stack, stack.proxy.url, "/pay", { attemptId, invoice: invoice.id, [`amount_${invoice.id}`]: (invoice.total / 100).toFixed(2) }, cookie);
  const checkout = res.headers.get("location");
  if (res.status !== 302 || !checkout?.includes("/checkout/")) throw new Error(`/pay answered ${res.status} ${checkout ?? (await res.text()).slice(0, 300)}`);
  const paid = await submitHostedCheckout(checkout, { card: "4242424242424242" });
  if (paid.status !== 303 && paid.status !== 302) throw new Error(`Checkout answered ${paid.status}: ${paid.text.slice(0, 300)}`);
  return checkout;
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048, 7)]);

/** Opens a dispute of `invoiceId` with a photo, as the dispute form posts it (multipart). */
export async function openDisputeWithFile(stack: Stack, cookie: string, invoiceId: string) {
  const form = new FormData();
  form.append("reason", "damaged_goods");
  form.append("description", "Two cartons arrived crushed; photo attached.");
  form.append("amount", "10.00");
  form.append("files", new Blob([PNG], { type: "image/png" }), "crushed.png");
  return fetch(`${stack.proxy.url}/invoices/${invoiceId}/dispute`, { method: "POST", body: form, redirect: "manual", headers: { Origin: stack.env.APP_URL!, Cookie: cookie } });
}

/** PUT /api/v1/invoices/{externalId}: one line of `amount` minor units, issued today, due in 30 days. */
export function importInvoice(stack: Stack, key: string, input: { customer: string; externalId: string; amount: number }) {
  const today = new Date().toISOString().slice(0, 10);
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return fetch(`${stack.proxy.url}/api/v1/invoices/${input.externalId}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      customer_external_id: input.customer,
      number: input.externalId,
      currency: "USD",
      issue_date: today,
      due_date: due,
      terms: "Net 30",
      tax_total: 0,
      lines: [{ description: "Goods as ordered", quantity: "1", unit_amount: input.amount }],
    }),
  });
}
