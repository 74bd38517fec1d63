import { sql } from "drizzle-orm";
import type { StepChannel } from "#db/schema/collection-values";
import type { Executor } from "~/db.server";
import { addDays } from "~/utils/dates";
import { textArray } from "~/utils/sql-array.server";
import type { AccountFacts, InvoiceFacts, StepFacts } from "./decide-reminders";

/** Every cadence's steps (with their templates), and which cadence is the default. */
export interface CadenceBook {
  defaultCadenceId: string | null;
  steps: Map<string, Array<StepFacts & { subject: string; body: string }>>;
  /** Days before the due date of the earliest step of any cadence (≥ 0). */
  maxLeadDays: number;
}

export async function loadCadenceBook(exec: Executor): Promise<CadenceBook> {
  const rows = await exec.execute<{ cadence_id: string; is_default: boolean; id: string | null; offset_days: number | null; channel: StepChannel | null; subject: string | null; body: string | null }>(sql`
    select c.id as cadence_id, c.is_default, s.id, s.offset_days, s.channel, s.subject, s.body
    from cadences c left join cadence_steps s on s.cadence_id = c.id`);
  const steps: CadenceBook["steps"] = new Map();
  let defaultCadenceId: string | null = null;
  let maxLeadDays = 0;
  for (const r of rows) {
    if (r.is_default) defaultCadenceId = r.cadence_id;
    const list = steps.get(r.cadence_id) ?? [];
    steps.set(r.cadence_id, list);
    if (r.id === null) continue;
    list.push({ id: r.id, offsetDays: r.offset_days!, channel: r.channel!, subject: r.subject!, body: r.body! });
    maxLeadDays = Math.max(maxLeadDays, -r.offset_days!);
  }
  return { defaultCadenceId, steps, maxLeadDays };
}

/** What the engine needs beside the decision facts: the collector, for call tasks. */
export interface LoadedAccount extends AccountFacts {
  name: string;
  cadenceId: string | null;
  collectorId: string | null;
}

/**
 * The decision facts of some accounts on a date: their open invoices that a step of any cadence
 * has reached by `until` (the run's date, or the calendar's last day), each with the last step
 * already sent; the account's cadence, hold, open promises and whether it has an email address.
 * Four set-based queries per batch, whatever the batch size.
 */
export async function loadReminderFacts(exec: Executor, accountIds: string[], until: string, book: CadenceBook): Promise<LoadedAccount[]> {
  if (accountIds.length === 0) return [];
  const ids = textArray(accountIds);
  const horizon = addDays(until, book.maxLeadDays);
  const [profiles, invoiceRows, promiseRows, emailRows] = await Promise.all([
    exec.execute<{ account_id: string; cadence_id: string | null; segment_cadence_id: string | null; collector_id: string | null; on_hold: boolean; hold_reason: string | null }>(sql`
      select p.account_id, p.cadence_id, s.cadence_id as segment_cadence_id, p.collector_id, p.on_hold, p.hold_reason
      from collection_profiles p left join segments s on s.name = p.segment
      where p.account_id = any(${ids})`),
    exec.execute<{ id: string; account_id: string; number: string; external_id: string | null; currency: string; due_date: string; balance: string; amount_disputed: string; amount_pending: string; on_plan: boolean; last_sent: number | null }>(sql`
      select i.id, i.account_id, i.number, i.external_id, i.currency, i.due_date::text, i.balance, i.amount_disputed, i.amount_pending,
             i.payment_plan_id is not null as on_plan,
             (select max(d.offset_days) from reminder_decisions d where d.invoice_id = i.id and d.action = 'send') as last_sent
      from invoices i
      where i.account_id = any(${ids}) and i.status = 'open' and i.balance > 0 and i.due_date <= ${horizon}::date`),
    exec.execute<{ id: string; account_id: string; promised_for: string; grace_days: number; invoice_ids: string[] }>(sql`
      select p.id, p.account_id, p.promised_for::text, p.grace_days, array_agg(pi.invoice_id) as invoice_ids
      from payment_promises p join promise_invoices pi on pi.promise_id = p.id
      where p.account_id = any(${ids}) and p.status = 'open'
      group by p.id`),
    exec.execute<{ id: string; name: string; can_email: boolean }>(sql`
      select a.id, a.name,
             -- The SQL face of pickRecipients (notifications/account-recipients.ts) for reminders: a
             -- contact on the email who wants reminders, or the billing email no contact refused.
             (exists (select 1 from account_contacts c where c.account_id = a.id and c.reminders <> 'none' and coalesce(c.notifications ->> 'reminders', 'true') <> 'false')
              or (nullif(a.billing_email, '') is not null
                  and not exists (select 1 from account_contacts c join users u on u.id = c.user_id
                                  where c.account_id = a.id and lower(u.email) = lower(trim(a.billing_email))
                                    and (c.reminders = 'none' or c.notifications ->> 'reminders' = 'false')))) as can_email
      from accounts a
      where a.id = any(${ids})`),
  ]);

  const profileOf = new Map(profiles.map((p) => [p.account_id, p]));
  const accountRow = new Map(emailRows.map((r) => [r.id, r]));
  const invoicesOf = new Map<string, InvoiceFacts[]>();
  for (const r of invoiceRows) {
    const list = invoicesOf.get(r.account_id) ?? [];
    invoicesOf.set(r.account_id, list);
    list.push({
      id: r.id,
      number: r.number,
      externalId: r.external_id,
      currency: r.currency,
      dueDate: r.due_date,
      balance: Number(r.balance),
      amountDisputed: Number(r.amount_disputed),
      amountPending: Number(r.amount_pending),
      onPlan: r.on_plan,
      lastSentOffset: r.last_sent === null ? null : Number(r.last_sent),
    });
  }
  const promisesOf = new Map<string, AccountFacts["promises"]>();
  for (const r of promiseRows) {
    const list = promisesOf.get(r.account_id) ?? [];
    promisesOf.set(r.account_id, list);
    list.push({ id: r.id, promisedFor: r.promised_for, graceDays: r.grace_days, invoiceIds: r.invoice_ids });
  }

  return accountIds.map((accountId) => {
    const profile = profileOf.get(accountId);
    const cadenceId = profile?.cadence_id ?? profile?.segment_cadence_id ?? book.defaultCadenceId;
    return {
      accountId,
      name: accountRow.get(accountId)?.name ?? accountId,
      cadenceId,
      collectorId: profile?.collector_id ?? null,
      onHold: profile?.on_hold ?? false,
      holdReason: profile?.hold_reason ?? null,
      canEmail: accountRow.get(accountId)?.can_email ?? false,
      steps: cadenceId ? (book.steps.get(cadenceId) ?? []) : [],
      invoices: invoicesOf.get(accountId) ?? [],
      promises: promisesOf.get(accountId) ?? [],
    };
  });
}

/** Accounts with an open invoice that some step has reached by `until`, in id order. */
export async function accountsToDecide(exec: Executor, until: string, book: CadenceBook): Promise<string[]> {
  const rows = await exec.execute<{ account_id: string }>(sql`
    select distinct account_id from invoices
    where status = 'open' and balance > 0 and due_date <= ${addDays(until, book.maxLeadDays)}::date
    order by account_id`);
  return rows.map((r) => r.account_id);
}
