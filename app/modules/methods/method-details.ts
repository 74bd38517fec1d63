import type Stripe from "stripe";
import type { PaymentMethodType } from "#db/schema/payments";
import { bankAccountLabel } from "~/modules/payments/payer-wording";

/** What the portal keeps of a Stripe PaymentMethod when a payer saves it (no card or account number). */
export interface SavedMethodDetails {
  type: PaymentMethodType;
  label: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  accountHolderType: "individual" | "company" | null;
}

const holderType = (value: string | null | undefined): "individual" | "company" | null => (value === "individual" ? "individual" : value === "company" ? "company" : null);

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** The details of a card or US bank account; null for a kind the portal does not save. */
export function savedMethodDetails(pm: Pick<Stripe.PaymentMethod, "type" | "card" | "us_bank_account">): SavedMethodDetails | null {
  if (pm.type === "card" && pm.card) {
    const brand = pm.card.brand && pm.card.brand !== "unknown" ? pm.card.brand : null;
    return {
      type: "card",
      label: `${brand ? capitalized(brand) : "Card"} •••• ${pm.card.last4}`,
      brand,
      last4: pm.card.last4,
      expMonth: pm.card.exp_month,
      expYear: pm.card.exp_year,
      accountHolderType: null,
    };
  }
  if (pm.type === "us_bank_account" && pm.us_bank_account) {
    const bank = pm.us_bank_account;
    return {
      type: "us_bank_account",
      label: bankAccountLabel(bank.bank_name, bank.last4 ?? ""),
      brand: bank.bank_name ?? null,
      last4: bank.last4 ?? null,
      expMonth: null,
      expYear: null,
      accountHolderType: holderType(bank.account_holder_type),
    };
  }
  return null;
}

/** Days before a card's expiry at which the payer page warns and the expiry notice goes out. */
export const EXPIRES_SOON_DAYS = 60;
export const EXPIRY_NOTICE_DAYS = 30;

/** A card works through the last day of its expiry month. */
export function cardExpiresOn(expMonth: number, expYear: number): string {
  const last = new Date(Date.UTC(expYear, expMonth, 0));
  return last.toISOString().slice(0, 10);
}

export type ExpiryState = "expired" | "expires_soon" | "valid";

/** Where a card stands on `today` (ISO date): expired after its month, "soon" within `soonDays`. */
export function cardExpiry(expMonth: number | null, expYear: number | null, today: string, soonDays = EXPIRES_SOON_DAYS): ExpiryState | null {
  if (expMonth === null || expYear === null) return null;
  const expiresOn = cardExpiresOn(expMonth, expYear);
  if (expiresOn < today) return "expired";
  const days = (Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  return days <= soonDays ? "expires_soon" : "valid";
}

/** The standing authorization a payer accepts when saving a bank account for later debits (kept word for word). */
export function savedBankMandateText(company: string, label: string): string {
  return `You authorize ${company} to debit the bank account ${label} for payments you start in the portal and for payment plans or autopay you set up with it, on or after the dates they are due, until you remove this account or revoke this authorization by contacting ${company}. Revoking does not affect debits already initiated.`;
}
