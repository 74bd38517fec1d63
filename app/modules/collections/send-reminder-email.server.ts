import { sql } from "drizzle-orm";
import pLimit from "p-limit";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { accountRecipientsFor, type Recipients } from "~/modules/notifications/account-recipients.server";
import { deliverEmail } from "~/modules/notifications/mailer.server";
import { companyToday } from "~/modules/terms/company-date.server";
import { invoiceOffer } from "~/modules/terms/payment-terms";
import { daysBetween, toIsoDate } from "~/utils/dates";
import { textArray } from "~/utils/sql-array.server";
import { payLinkUrl } from "./pay-link-token.server";
import { reminderEmail, type ReminderEmailFacts } from "./reminder-email";

/** How many reminder emails one sender job hands to the mail server at a time. */
export const REMINDER_SEND_CONCURRENCY = 32;
/** Accounts whose facts are read in one query (and whose pay links are marked sent in one update). */
const FACTS_CHUNK = 100;

type SendableFacts = ReminderEmailFacts & { payLinkId: string; emailedAt: Date | null };

/**
 * Sends the reminders the run decided for a batch of accounts on one day (one job per batch of
 * the run): each account's invoices with the amounts decided then, the template of the most
 * advanced step, the pay link, to the billing contacts with the chosen contacts in CC. A sent
 * email is marked on its pay link, so a retried job sends only what did not go; a failure makes
 * the job fail after the others went (graphile-worker retries it with backoff).
 */
export async function sendReminderEmails(input: { runOn: string; accountIds: string[] }): Promise<{ sent: number; skipped: number }> {
  const sendLimit = pLimit(REMINDER_SEND_CONCURRENCY);
  const chunkLimit = pLimit(3);
  const chunks: string[][] = [];
  for (let i = 0; i < input.accountIds.length; i += FACTS_CHUNK) chunks.push(input.accountIds.slice(i, i + FACTS_CHUNK));
  const failures: unknown[] = [];
  let sent = 0;
  await Promise.all(
    chunks.map((chunk) =>
      chunkLimit(async () => {
        const facts = [...(await reminderEmailFactsFor(chunk, input.runOn)).values()].filter((f) => !f.emailedAt);
        const outcomes = await Promise.allSettled(facts.map((f) => sendLimit(() => deliverEmail(reminderEmail(f)).then(() => f.payLinkId))));
        const delivered = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
        failures.push(...outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : [])));
        if (delivered.length > 0) await markEmailed(delivered);
        sent += delivered.length;
      }),
    ),
  );
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${input.accountIds.length} reminder emails failed`);
  return { sent, skipped: input.accountIds.length - sent };
}

/** One account's reminder of one day (also the legacy one-email job); already sent → "nothing". */
export async function sendReminderEmail(input: { accountId: string; runOn: string }): Promise<"sent" | "nothing"> {
  const facts = await reminderEmailFacts(input.accountId, input.runOn);
  if (!facts || facts.emailedAt) return "nothing";
  await deliverEmail(reminderEmail(facts));
  await markEmailed([facts.payLinkId]);
  return "sent";
}

async function markEmailed(payLinkIds: string[]) {
  await db.execute(sql`update pay_links set emailed_at = now() where id = any(${textArray(payLinkIds)}) and emailed_at is null`);
}

/** One account's email facts (what the cadence preview renders too), or null when nothing is to send. */
export async function reminderEmailFacts(accountId: string, runOn: string): Promise<SendableFacts | null> {
  return (await reminderEmailFactsFor([accountId], runOn)).get(accountId) ?? null;
}

/** Several accounts' email facts of one day, by account (accounts with nothing to send are left out). */
async function reminderEmailFactsFor(accountIds: string[], runOn: string): Promise<Map<string, SendableFacts>> {
  // Who each email goes to: the accounts' contacts by role, the AR team's CC choice and their preferences.
  const recipientsOf = accountRecipientsFor(db, accountIds, "reminders");
  // One round trip: the accounts, joined to the day's sent lines (none: a row of nulls).
  // `run_on + 0` keeps the planner on the account's decisions: when the emails go out, the run's
  // rows are newer than the table's statistics, and it would walk every decision of the day for
  // each email (measured in the bench: a cost that grows with the size of the run).
  const ids = textArray(accountIds);
  const rows = await db.execute<FactRow & { account_id: string }>(sql`
    with recipients as (
      select a.id as account_id, a.name from accounts a where a.id = any(${ids})
    ), lines as (
      select d.account_id, i.number, i.due_date, i.currency, d.offset_days, d.amount_due, d.amount_on_hold, d.pay_link_id, l.expires_at, l.emailed_at, s.subject, s.body,
             i.status, i.total, i.balance, i.amount_pending, i.amount_disputed, i.amount_discounted, i.payment_plan_id, i.issue_date, i.discount_bps, i.discount_days
      from reminder_decisions d
      join invoices i on i.id = d.invoice_id
      join pay_links l on l.id = d.pay_link_id
      left join cadence_steps s on s.id = d.step_id
      where d.account_id = any(${ids}) and d.run_on + 0 = ${runOn}::date and d.action = 'send' and d.channel = 'email'
    )
    select r.account_id, r.name,
           l.number, l.due_date::text, l.currency, l.offset_days, l.amount_due, l.amount_on_hold, l.pay_link_id, l.expires_at, l.emailed_at, l.subject, l.body,
           l.status, l.total::text, l.balance::text, l.amount_pending::text, l.amount_disputed::text, l.amount_discounted::text, l.payment_plan_id, l.issue_date::text, l.discount_bps, l.discount_days
    from recipients r left join lines l on l.account_id = r.account_id
    order by r.account_id, l.due_date, l.number`);
  const byAccount = new Map<string, FactRow[]>();
  for (const row of rows) {
    const list = byAccount.get(row.account_id) ?? [];
    byAccount.set(row.account_id, list);
    list.push(row);
  }
  const recipients = await recipientsOf;
  const out = new Map<string, SendableFacts>();
  for (const [accountId, accountRows] of byAccount) {
    const facts = toFacts(accountRows, recipients.get(accountId), runOn);
    if (facts) out.set(accountId, facts);
  }
  return out;
}

type FactRow = {
  name: string;
  number: string | null;
  due_date: string;
  currency: string;
  offset_days: number;
  amount_due: string;
  amount_on_hold: string;
  pay_link_id: string;
  expires_at: Date;
  emailed_at: Date | null;
  subject: string | null;
  body: string | null;
  // The invoice as its early-payment offer reads it.
  status: string;
  total: string;
  balance: string;
  amount_pending: string;
  amount_disputed: string;
  amount_discounted: string;
  payment_plan_id: string | null;
  issue_date: string;
  discount_bps: number | null;
  discount_days: number | null;
};

/** The line's early-payment offer on the company's date the email is rendered (what the payer can still take). */
function lineOffer(l: FactRow, day: string) {
  return invoiceOffer(
    {
      status: l.status,
      total: Number(l.total),
      balance: Number(l.balance),
      amountPending: Number(l.amount_pending),
      amountDisputed: Number(l.amount_disputed),
      amountDiscounted: Number(l.amount_discounted),
      paymentPlanId: l.payment_plan_id,
      issueDate: l.issue_date,
      discountBps: l.discount_bps,
      discountDays: l.discount_days,
    },
    day,
  );
}

function toFacts(rows: FactRow[], recipients: Recipients | undefined, runOn: string): SendableFacts | null {
  const account = rows[0];
  if (!account) return null;
  const lines = rows.filter((l): l is typeof l & { number: string } => l.number !== null);
  if (lines.length === 0) return null;
  const to = recipients?.to ?? [];
  if (to.length === 0) return null;
  const cc = recipients?.cc ?? [];
  const day = companyToday();
  // The most advanced step's template speaks for the email.
  const lead = lines.reduce((a, b) => (b.offset_days > a.offset_days ? b : a));
  return {
    to: to.join(", "),
    ...(cc.length > 0 ? { cc: cc.join(", ") } : {}),
    company: env().COMPANY_NAME,
    accountName: account.name,
    currency: lead.currency,
    subject: lead.subject ?? "Invoices due: {{total_due}} for {{account_name}}",
    body: lead.body ?? "The invoices below for {{account_name}} are due. You can pay them with the link below.",
    lines: lines.map((l) => ({ number: l.number, dueDate: l.due_date, daysLate: daysBetween(l.due_date, runOn), amountDue: Number(l.amount_due), amountOnHold: Number(l.amount_on_hold), offer: lineOffer(l, day) })),
    payUrl: payLinkUrl(lead.pay_link_id),
    payLinkExpiresOn: toIsoDate(new Date(lead.expires_at)),
    payLinkId: lead.pay_link_id,
    emailedAt: lead.emailed_at,
    portalUrl: env().APP_URL,
  };
}
