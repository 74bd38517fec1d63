import { addDays } from "~/utils/dates";
import { nextRetryAfter } from "~/modules/plans/retry-policy";

/**
 * Autopay's rules, pure: when an invoice is charged, how far ahead the payer is told, and what a
 * failed debit leads to. See docs/autopay.md.
 */

export type AutopayMethodType = "card" | "us_bank_account";

/**
 * Days between the advance notice and the debit. A bank debit of a varying amount needs the
 * amount and date told at least 10 days ahead (Regulation E for personal accounts; Stripe's
 * mandate terms ask the same notice of business ones); a card, 3 days (as plan reminders do).
 */
export const NOTICE_DAYS: Record<AutopayMethodType, number> = { us_bank_account: 10, card: 3 };

/** When autopay means to charge an invoice: on its due date, or `daysBefore` days before it. */
export function targetChargeDate(dueDate: string, enrollment: { timing: "due_date" | "days_before"; daysBefore: number }): string {
  return enrollment.timing === "days_before" ? addDays(dueDate, -enrollment.daysBefore) : dueDate;
}

/**
 * The day a notice sent today announces: the target date, unless that leaves less than the notice
 * period, then the first day the notice period allows (the debit is late rather than unannounced).
 */
export function chargeDateFromNotice(target: string, today: string, method: AutopayMethodType): string {
  const earliest = addDays(today, NOTICE_DAYS[method]);
  return target > earliest ? target : earliest;
}

/** Whether an invoice due for autopay on `target` should be announced today. */
export function noticeDue(target: string, today: string, method: AutopayMethodType): boolean {
  return addDays(target, -NOTICE_DAYS[method]) <= today;
}

/** ACH returns that may clear on a later try: R01 insufficient funds, R09 uncollected funds (Stripe: insufficient_funds). */
const RETRYABLE_BANK_CODES = new Set(["insufficient_funds"]);
/** Bank answers that never clear by trying again: R02 closed, R03 no account, R04 invalid number, R10/R29 unauthorized. */
export const STOPPING_BANK_CODES = new Set(["account_closed", "no_account", "invalid_account_number", "debit_not_authorized", "bank_account_restricted"]);

/** NACHA: a returned debit for insufficient or uncollected funds may be presented again at most twice, within 180 days. */
export const MAX_BANK_RETRIES = 2;
export const BANK_RETRY_WINDOW_DAYS = 180;
export const BANK_RETRY_AFTER_DAYS = 5;

export type FailureDecision = { kind: "retry"; on: string } | { kind: "stop"; reason: string } | { kind: "give_up"; reason: string };

/**
 * What follows a failed autopay debit, attempt `attempts` (1 = the first), first tried on
 * `firstTriedOn`: a bank return that may clear is retried (at most twice within 180 days); one that
 * never will stops autopay and asks the payer for a new method; a card decline follows the plans'
 * retry policy.
 */
export function afterFailure(input: { method: AutopayMethodType; code: string | null; attempts: number; firstTriedOn: string; today: string }): FailureDecision {
  const { method, code, attempts, today } = input;
  if (method === "us_bank_account") {
    if (code && RETRYABLE_BANK_CODES.has(code)) {
      const on = addDays(today, BANK_RETRY_AFTER_DAYS);
      if (attempts - 1 < MAX_BANK_RETRIES && on <= addDays(input.firstTriedOn, BANK_RETRY_WINDOW_DAYS)) return { kind: "retry", on };
      return { kind: "give_up", reason: "Your bank returned the debit for insufficient funds again; we will not try it a third time." };
    }
    return { kind: "stop", reason: bankStopReason(code) };
  }
  if (code === "expired_card" || code === "authentication_required") return { kind: "stop", reason: code === "expired_card" ? "Your card has expired." : "Your bank asks you to confirm each payment with this card." };
  const days = nextRetryAfter(attempts);
  return days === null ? { kind: "give_up", reason: "The card was declined on every try." } : { kind: "retry", on: addDays(today, days) };
}

function bankStopReason(code: string | null): string {
  switch (code) {
    case "account_closed":
      return "Your bank says the account is closed.";
    case "no_account":
      return "Your bank could not find the account.";
    case "invalid_account_number":
      return "Your bank says the account number is not valid.";
    case "debit_not_authorized":
      return "Your bank returned the debit as not authorized.";
    default:
      return "Your bank returned the debit.";
  }
}

/** A charge's payment attempt id: `autopay-<charge id>-<attempt>` — one payment per attempt, found again by a rerun. */
export const autopayAttemptId = (chargeId: string, attempt: number) => `autopay-${chargeId}-${attempt}`;
export function chargeIdOfAttempt(attemptId: string | null): string | null {
  const m = attemptId?.match(/^autopay-(.+)-\d+$/);
  return m ? m[1]! : null;
}
