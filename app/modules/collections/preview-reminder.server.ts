import { and, asc, eq, gt } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { cadenceSteps } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { Actor } from "~/modules/auth/actor";
import { today } from "~/utils/clock";
import { daysBetween } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { canViewCollections, COLLECTIONS_VIEW_FORBIDDEN } from "./permissions";
import { fillTemplate, type TemplateValues } from "./steps";

export interface ReminderPreview {
  account: { id: string; name: string; number: string };
  step: { id: string; offsetDays: number; channel: string };
  subject: string;
  /** The message with its placeholders filled (the invoices are listed below it). */
  body: string;
  invoices: Array<{ number: string; dueDate: string; daysLate: number; amountDue: number; amountOnHold: number; currency: string }>;
  values: TemplateValues;
}

/**
 * A step's email as one real account would get it today: its open invoices with what is chased
 * on each (balance less what a payment under way or an open dispute holds), the placeholders
 * filled from them. Reads only; sends nothing. Staff only (agents may look).
 */
export async function previewReminder(actor: Actor, input: { cadenceId: string; stepId: string; accountId: string }): Promise<ReminderPreview | Problem> {
  if (!canViewCollections(actor)) return forbidden(COLLECTIONS_VIEW_FORBIDDEN);
  const [step] = await db
    .select()
    .from(cadenceSteps)
    .where(and(eq(cadenceSteps.id, input.stepId), eq(cadenceSteps.cadenceId, input.cadenceId)));
  if (!step) return notFound("Choose a step of this cadence to preview.");
  const [account] = await db.select({ id: accounts.id, name: accounts.name, number: accounts.number, currency: accounts.currency }).from(accounts).where(eq(accounts.id, input.accountId));
  if (!account) return notFound("Choose an account to preview the email for.");
  const day = today();
  const open = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.accountId, account.id), eq(invoices.status, "open"), gt(invoices.balance, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const listed = open
    .filter((i) => !i.paymentPlanId)
    .map((i) => {
      const onHold = Math.min(i.amountDisputed, i.balance);
      return { number: i.number, dueDate: i.dueDate, daysLate: Math.max(0, daysBetween(i.dueDate, day)), amountDue: Math.max(0, i.balance - onHold - i.amountPending), amountOnHold: onHold, currency: i.currency };
    })
    .filter((i) => i.amountDue > 0 || i.amountOnHold > 0);
  const currency = listed[0]?.currency ?? account.currency;
  const values: TemplateValues = {
    account_name: account.name,
    company_name: env().COMPANY_NAME,
    total_due: formatMoney(
      listed.filter((i) => i.currency === currency).reduce((sum, i) => sum + i.amountDue, 0),
      currency,
    ),
    invoice_count: String(listed.length),
    days_late: String(Math.max(0, ...listed.map((i) => i.daysLate))),
  };
  return {
    account: { id: account.id, name: account.name, number: account.number },
    step: { id: step.id, offsetDays: step.offsetDays, channel: step.channel },
    subject: fillTemplate(step.subject, values),
    body: fillTemplate(step.body, values),
    invoices: listed,
    values,
  };
}
