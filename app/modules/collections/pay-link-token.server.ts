import { env } from "~/env.server";
import { capabilityToken, safeEqual } from "~/modules/auth/secrets.server";

// A pay link's URL carries the link's id and a MAC over it: only the portal can make one, and a
// tampered token is refused before any database read. Whether the link still works (expired,
// revoked, paid) is the pay_links row's business.
const PURPOSE = "pay-link";

export function payLinkToken(payLinkId: string): string {
  return `${payLinkId}.${capabilityToken(PURPOSE, payLinkId)}`;
}

/** The pay link's id when the token is one the portal made, else null. */
export function payLinkIdFromToken(token: string): string | null {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  if (!/^pl_[0-9a-z]{26}$/.test(id)) return null;
  return safeEqual(token.slice(dot + 1), capabilityToken(PURPOSE, id)) ? id : null;
}

/** The absolute URL a reminder email carries. */
export function payLinkUrl(payLinkId: string): string {
  return new URL(`/pay-link/${payLinkToken(payLinkId)}`, env().APP_URL).toString();
}
