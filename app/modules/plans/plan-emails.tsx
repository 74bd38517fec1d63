import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter, type EmailReason } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

export interface PlanEmailFacts {
  to: string;
  cc?: string;
  name: string;
  company: string;
  planUrl: string;
  currency: string;
}

/** Every email about a payment plan: what happened, and the link to the plan. */
export function PlanEmail({ f, subject, paragraphs, linkText, reason }: { f: PlanEmailFacts; subject: string; paragraphs: string[]; linkText: string; reason: EmailReason }) {
  return (
    <EmailLayout title={subject} company={f.company} reason={reason}>
      <Greeting name={f.name} />
      {paragraphs.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <ActionLink href={f.planUrl}>{linkText}</ActionLink>
    </EmailLayout>
  );
}

function compose(f: PlanEmailFacts, subject: string, paragraphs: string[], linkText = "View your payment plan", reason: EmailReason = "plan"): EmailMessage {
  const text = [`Hello ${f.name},`, "", ...paragraphs.flatMap((p) => [p, ""]), `${linkText}: ${f.planUrl}`].join("\n") + textFooter(reason, f.company);
  return { to: f.to, ...(f.cc ? { cc: f.cc } : {}), subject, text, html: renderEmail(<PlanEmail f={f} subject={subject} paragraphs={paragraphs} linkText={linkText} reason={reason} />) };
}

const scheduleLines = (f: PlanEmailFacts, schedule: Array<{ dueDate: string; amount: number }>) =>
  schedule.map((s) => `${formatDate(s.dueDate)}: ${formatMoney(s.amount, f.currency)}`).join("\n");

/** Nacha: the payer keeps a record of what they authorized (date, holder, bank, last 4, schedule). */
export const mandateConfirmationEmail = (
  f: PlanEmailFacts & { authorizedOn: string; holder: string; bank: string; last4: string; schedule: Array<{ dueDate: string; amount: number }> },
) =>
  compose(f, "Your bank debit authorization for your payment plan", [
    `On ${formatDate(f.authorizedOn)} you authorized ${f.company} to debit the bank account of ${f.holder} at ${f.bank} (account ending ${f.last4}) for the installments of your payment plan:`,
    scheduleLines(f, f.schedule),
    `Each debit is made on or after its date. If a debit fails we will tell you and try again on a later date. You can revoke this authorization at any time by contacting ${f.company} or by replacing the payment method in the portal; revoking does not affect debits already initiated.`,
  ]);

export const planAwaitingApprovalEmail = (f: PlanEmailFacts & { total: number }) =>
  compose(f, "Your payment plan is waiting for approval", [
    `Thank you. Your payment plan for ${formatMoney(f.total, f.currency)} is authorized and waiting for approval by our accounts receivable team. Nothing is charged until it is approved; we will email you then.`,
  ]);

export const planActiveEmail = (f: PlanEmailFacts & { total: number; methodLabel: string; schedule: Array<{ dueDate: string; amount: number }> }) =>
  compose(f, "Your payment plan is active", [
    `Your payment plan for ${formatMoney(f.total, f.currency)} is active. We will charge ${f.methodLabel} on these dates:`,
    scheduleLines(f, f.schedule),
    "We will remind you a few days before each charge.",
  ]);

export const installmentReminderEmail = (f: PlanEmailFacts & { amount: number; dueDate: string; methodLabel: string }) =>
  compose(f, `Upcoming installment: ${formatMoney(f.amount, f.currency)} on ${formatDate(f.dueDate)}`, [
    `This is a reminder that we will charge ${formatMoney(f.amount, f.currency)} to ${f.methodLabel} on ${formatDate(f.dueDate)} for your payment plan.`,
    "To pay it now or use another payment method, open your plan:",
  ]);

export const installmentFailedEmail = (f: PlanEmailFacts & { amount: number; reason: string; nextAttemptOn: string | null; authenticationRequired: boolean }) =>
  compose(
    f,
    f.authenticationRequired ? "Please confirm your installment payment" : `Your installment of ${formatMoney(f.amount, f.currency)} did not go through`,
    [
      f.authenticationRequired
        ? `Your bank asks you to confirm the installment of ${formatMoney(f.amount, f.currency)} yourself, so we could not charge it automatically. Please come back to the portal and pay it with “Pay now”.`
        : `We could not charge the installment of ${formatMoney(f.amount, f.currency)}: ${f.reason}`,
      f.nextAttemptOn
        ? `We will try again on ${formatDate(f.nextAttemptOn)}. To avoid missing it, pay now or replace the payment method from your plan.`
        : "This was the last try.",
    ],
    "Pay now or update your payment method",
  );

export const planDefaultedEmail = (f: PlanEmailFacts & { remaining: number }) =>
  compose(f, "Your payment plan has ended unpaid", [
    `After several failed tries, your payment plan has ended. The remaining ${formatMoney(f.remaining, f.currency)} is due again on the original invoices.`,
    "Please pay the invoices from the portal or contact us to arrange payment.",
  ]);

export const planDefaultedStaffEmail = (f: PlanEmailFacts & { accountName: string; remaining: number }) =>
  compose(f, `Payment plan defaulted: ${f.accountName}`, [`The payment plan of ${f.accountName} defaulted after its last failed retry. ${formatMoney(f.remaining, f.currency)} is due again on its invoices.`], "Open the plan", "ar-admin");

export const planAwaitingApprovalStaffEmail = (f: PlanEmailFacts & { accountName: string; total: number }) =>
  compose(f, `Payment plan waiting for approval: ${f.accountName}`, [`${f.accountName} enrolled ${formatMoney(f.total, f.currency)} in a payment plan, above the approval threshold. Approve or decline it in the admin area.`], "Review the plan", "ar-admin");

export const planEndedEmail = (f: PlanEmailFacts & { outcome: "completed" | "canceled" | "declined"; reason: string | null }) =>
  compose(
    f,
    f.outcome === "completed" ? "Your payment plan is paid in full" : f.outcome === "declined" ? "Your payment plan was not approved" : "Your payment plan was canceled",
    [
      f.outcome === "completed"
        ? "Thank you: every installment of your payment plan is paid."
        : `${f.outcome === "declined" ? "We could not approve your payment plan" : "Your payment plan was canceled"}${f.reason ? `: ${f.reason}` : "."} Nothing more will be charged; the invoices are open to pay from the portal.`,
    ],
  );
