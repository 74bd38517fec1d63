import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import type { StepChannel } from "#db/schema/collection-values";
import { cadenceSteps } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { accountRecipients } from "~/modules/notifications/account-recipients.server";
import type { Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { addDays, daysBetween } from "~/utils/dates";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { canViewCollections, COLLECTIONS_VIEW_FORBIDDEN } from "./permissions";
import { companyToday } from "~/modules/terms/company-date.server";
import { invoiceOffer } from "~/modules/terms/payment-terms";
import { reminderEmail, type ReminderLine } from "./reminder-email";
import { getCollectionRules } from "./rules.server";

export interface ReminderPreview {
  account: { id: string; name: string; number: string };
  step: { id: string; offsetDays: number; channel: string };
  to: string;
  cc: string | null;
  subject: string;
  /** The email's text part, exactly as the account would read it. */
  text: string;
  invoiceCount: number;
}

/** Stands in for the signed pay link a real reminder carries (made when it is sent). */
export const PREVIEW_PAY_LINK = "/pay-link/(made-when-the-reminder-is-sent)";

/**
 * A step's email as one real account would get it today, rendered by the engine's own email
 * (`reminderEmail`): the account's open invoices with what is chased on each (balance less what
 * a payment under way or an open dispute holds; invoices on a plan have their own reminders), the
 * placeholders filled from them, its billing contacts as recipients. A saved step, or a draft as the
 * step form holds it before saving. Reads only; sends nothing and makes no pay link. Staff only
 * (agents may look).
 */
export async function previewReminder(
  actor: Actor,
  input: { cadenceId: string; accountId: string } & ({ stepId: string } | { draft: { offsetDays: number; channel: StepChannel; subject: string; body: string } }),
): Promise<ReminderPreview | Problem> {
  if (!canViewCollections(actor)) return forbidden(COLLECTIONS_VIEW_FORBIDDEN);
  // A draft (the step form as typed, already checked by its schema) or a saved step of this cadence.
  const [step] =
    "draft" in input
      ? [{ id: "draft", ...input.draft }]
      : await db
          .select()
          .from(cadenceSteps)
          .where(and(eq(cadenceSteps.id, input.stepId), eq(cadenceSteps.cadenceId, input.cadenceId)));
  if (!step) return notFound("Choose a step of this cadence to preview.");
  const [account] = await db.select({ id: accounts.id, name: accounts.name, number: accounts.number, currency: accounts.currency }).from(accounts).where(eq(accounts.id, input.accountId));
  if (!account) return notFound("Choose an account to preview the email for.");
  const day = today();
  const companyDay = companyToday();
  const open = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.accountId, account.id), eq(invoices.status, "open"), gt(invoices.balance, 0), isNull(invoices.paymentPlanId)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  // One email speaks one currency: the account's (or its first open invoice's).
  const currency = open.some((i) => i.currency === account.currency) ? account.currency : (open[0]?.currency ?? account.currency);
  const lines: ReminderLine[] = open
    .filter((i) => i.currency === currency)
    .map((i) => {
      const amountOnHold = Math.min(i.amountDisputed, i.balance);
      return { number: i.number, dueDate: i.dueDate, daysLate: daysBetween(i.dueDate, day), amountDue: Math.max(0, i.balance - amountOnHold - i.amountPending), amountOnHold, offer: invoiceOffer(i, companyDay) };
    })
    .filter((l) => l.amountDue > 0 || l.amountOnHold > 0);
  const recipients = await reminderRecipients(account.id);
  const rules = await getCollectionRules();
  const email = reminderEmail({
    to: recipients.to || "(no billing contact: the engine would skip this account)",
    ...(recipients.cc ? { cc: recipients.cc } : {}),
    company: env().COMPANY_NAME,
    accountName: account.name,
    currency,
    subject: step.subject,
    body: step.body,
    lines,
    payUrl: `${env().APP_URL}${PREVIEW_PAY_LINK}`,
    payLinkExpiresOn: addDays(day, rules.payLinkDays),
    portalUrl: env().APP_URL,
  });
  return {
    account: { id: account.id, name: account.name, number: account.number },
    step: { id: step.id, offsetDays: step.offsetDays, channel: step.channel },
    to: email.to,
    cc: email.cc ?? null,
    subject: email.subject,
    text: email.text,
    invoiceCount: lines.length,
  };
}

/** Who the engine writes to (`accountRecipients` for reminders): To and CC as the email would carry them. */
async function reminderRecipients(accountId: string): Promise<{ to: string; cc: string }> {
  const recipients = await accountRecipients(db, accountId, "reminders");
  return { to: recipients.to.join(", "), cc: recipients.cc.join(", ") };
}
