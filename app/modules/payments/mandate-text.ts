import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

/** A bank account's holder: a business account is debited under Nacha's CCD rules, a personal one under WEB. */
export type AccountHolderType = "individual" | "company";

export interface MandateFacts {
  holderType: AccountHolderType;
  /** The company the payer authorizes (COMPANY_NAME). */
  merchant: string;
  /** "Bank account •••• 6789". */
  account: string;
  /** The day the payer accepted, YYYY-MM-DD. */
  acceptedOn: string;
}

/**
 * The ACH debit authorization a payer accepts for a payment plan (recurring debits), in the words
 * for their kind of account. Stored word for word with the plan's bank account when accepted
 * (saved_payment_methods.mandate_text) and shown back on the plan page.
 */
export function recurringMandateText(f: MandateFacts): string {
  const on = formatDate(f.acceptedOn);
  if (f.holderType === "company") {
    return `On ${on}, you confirmed you may act for the business that holds ${f.account} and authorized ${f.merchant} to initiate ACH debits (CCD entries) from it for the installments of this payment plan, on their due dates and in the amounts of its schedule, under the agreement between your business and ${f.merchant}. This authorization stays in effect until your business revokes it in writing, in time for ${f.merchant} to act on it.`;
  }
  return `On ${on}, you authorized ${f.merchant} to debit ${f.account} (WEB entries) for the installments of this payment plan, on their due dates and in the amounts of its schedule. You can revoke this authorization at any time by contacting ${f.merchant}; revoking does not affect debits already initiated.`;
}

/** The one-time debit a payer authorized for a single payment by bank (shown on the payment page). */
export function singleDebitMandateText(f: MandateFacts & { amount: number; currency: string }): string {
  const amount = formatMoney(f.amount, f.currency);
  const on = formatDate(f.acceptedOn);
  if (f.holderType === "company") {
    return `On ${on}, you confirmed you may act for the business that holds ${f.account} and authorized ${f.merchant} to initiate a single ACH debit (CCD entry) of ${amount} from it for the invoices below.`;
  }
  return `On ${on}, you authorized ${f.merchant} to make a single debit (WEB entry) of ${amount} from ${f.account} for the invoices below. This authorization is for this one debit only.`;
}
