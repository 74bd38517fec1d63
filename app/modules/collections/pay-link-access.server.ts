import { and, eq, gt, inArray } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { payLinks, type PayLink } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { PayLinkActor } from "~/modules/auth/actor";
import { hitRateLimit, type RateLimitRule } from "~/modules/auth/rate-limit.server";
import { now } from "~/utils/clock";
import { conflict, Problem, rateLimited } from "~/utils/problem";
import { payLinkIdFromToken } from "./pay-link-token.server";

/**
 * Every request to a pay link (opening it, paying, promising, the page looking again while a
 * payment settles) counts against the client's IP and against the link. The IP limit comes
 * first, before the token is even checked, so nobody can try tokens fast; the link's limit stops
 * a forwarded link from being hammered from many addresses.
 */
export const payLinkLimits = {
  perIp: { name: "pay-link:ip", limit: 120, windowSeconds: 15 * 60 },
  perLink: { name: "pay-link:link", limit: 300, windowSeconds: 60 * 60 },
} satisfies Record<string, RateLimitRule>;

/** Why a link does not open: the route answers 404 for `invalid`, 410 Gone for the others. */
export type PayLinkRefusal = "invalid" | "expired" | "revoked" | "paid";

export interface PayLinkAccess {
  actor: PayLinkActor;
  link: PayLink;
  /** The account's name: the one fact about the account the page shows. */
  accountName: string;
  companyName: string;
}

const refused = (code: PayLinkRefusal, message: string) => (code === "invalid" ? new Problem("not_found", message, { code }) : conflict(message, { code }));

/**
 * Whether this token opens a pay link now, and as whom: the `pay_link` Actor that reaches exactly
 * the link's invoices of its one account. Tampered or unknown → not_found; revoked, expired, or
 * every invoice it names paid or void → a conflict with the reason as `code`. `allowPaid` lets
 * the page show the outcome of the payment that just paid them.
 */
export async function payLinkAccess(token: string, ip: string | null, options: { allowPaid?: boolean } = {}): Promise<PayLinkAccess | Problem> {
  const byIp = await hitRateLimit(payLinkLimits.perIp, ip ?? "unknown");
  if (!byIp.allowed) return rateLimited("Too many requests from your network. Please wait a few minutes and try again.", byIp.retryAfterSeconds);
  const id = payLinkIdFromToken(token);
  if (!id) return refused("invalid", "This payment link is not valid. Check that you opened the whole link from the email, or sign in to pay.");
  const byLink = await hitRateLimit(payLinkLimits.perLink, id);
  if (!byLink.allowed) return rateLimited("This payment link has been opened too often. Please wait a while and try again, or sign in to pay.", byLink.retryAfterSeconds);

  const [row] = await db.select({ link: payLinks, accountName: accounts.name }).from(payLinks).innerJoin(accounts, eq(accounts.id, payLinks.accountId)).where(eq(payLinks.id, id));
  if (!row) return refused("invalid", "This payment link is not valid. Check that you opened the whole link from the email, or sign in to pay.");
  const { link } = row;
  const companyName = env().COMPANY_NAME;
  if (link.revokedAt) return refused("revoked", `This payment link was withdrawn by ${companyName}. Sign in to see and pay your invoices, or reply to the email you received.`);
  if (link.expiresAt.getTime() <= now().getTime()) return refused("expired", "This payment link has expired. Sign in to see and pay your invoices; the next reminder will carry a new link.");
  if (!options.allowPaid) {
    // Scoped like the actor: only the invoices the link names, of its own account.
    const [open] = await db
      .select({ id: invoices.id })
      .from(invoices)
      .where(and(eq(invoices.accountId, link.accountId), inArray(invoices.id, [...link.invoiceIds, ""]), eq(invoices.status, "open"), gt(invoices.balance, 0)))
      .limit(1);
    if (!open) return refused("paid", "These invoices are already paid — thank you. Sign in to see your account.");
  }
  return {
    actor: { kind: "pay_link", payLinkId: link.id, accountId: link.accountId, invoiceIds: link.invoiceIds, ip },
    link,
    accountName: row.accountName,
    companyName,
  };
}
