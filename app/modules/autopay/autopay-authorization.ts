import { formatMoney } from "~/utils/money";

/**
 * The words a payer agrees to when turning autopay on, kept with the enrolment. A bank debit is
 * authorized under NACHA's rules: a business account (CCD) by the agreement between the companies,
 * a personal one (WEB) with the consumer's right to revoke; both told each amount and date ahead.
 */
export function autopayAuthorizationText(input: {
  company: string;
  accountName: string;
  method: { type: "card" | "us_bank_account"; label: string; accountHolderType: "individual" | "company" | null };
  maxCharge: number;
  currency: string;
  when: string;
  noticeDays: number;
}): string {
  const cap = formatMoney(input.maxCharge, input.currency);
  const base = `I authorize ${input.company} to charge ${input.method.label} for invoices of ${input.accountName} ${input.when}, up to ${cap} per charge. I will be told the invoices, amount and date at least ${input.noticeDays} days before each charge, and a charge above ${cap} will not be made.`;
  if (input.method.type === "card") return `${base} I can pause or cancel autopay at any time in the portal.`;
  if (input.method.accountHolderType === "company")
    return `${base} This authorizes ACH debits (CCD) from the business bank account under the NACHA rules and our agreement; it stays in effect until cancelled in the portal, which takes effect for debits not yet initiated.`;
  return `${base} This authorizes ACH debits (WEB) from my bank account. I can revoke this authorization at any time by cancelling autopay in the portal, before the debit date; I will be told of any amount that differs from what I expect.`;
}

/** "on each invoice's due date" or "3 days before each invoice's due date". */
export function autopayWhen(timing: "due_date" | "days_before", daysBefore: number): string {
  return timing === "days_before" && daysBefore > 0 ? `${daysBefore} day${daysBefore === 1 ? "" : "s"} before each invoice's due date` : "on each invoice's due date";
}
