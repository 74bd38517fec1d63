import { sql } from "drizzle-orm";
import { newId } from "#db/schema/ids";
import { collectionTasks, payLinks, reminderDecisions } from "#db/schema/collections";
import { db, type Executor } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { recordEvents, type NewEvent } from "~/modules/events/record-event.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { log } from "~/utils/log.server";
import { today } from "~/utils/clock";
import { addDays, daysBetween } from "~/utils/dates";
import { bulkInsert } from "~/utils/bulk-insert.server";
import { textArray } from "~/utils/sql-array.server";
import { forbidden, type Problem } from "~/utils/problem";
import { decideReminders, type ReminderDecision } from "./decide-reminders";
import { accountsToDecide, loadCadenceBook, loadReminderFacts, type CadenceBook, type LoadedAccount } from "./load-reminder-facts.server";
import { resolvePromises } from "./resolve-promises.server";
import { getCollectionRules } from "./rules.server";
import { fillTemplate, stepLabel } from "./steps";
import { env } from "~/env.server";
import { formatMoney } from "~/utils/money";

export interface ReminderRunSummary {
  on: string;
  accounts: number;
  emails: number;
  callTasks: number;
  sent: number;
  skipped: number;
  promisesKept: number;
  promisesBroken: number;
  ms: number;
}

/** Accounts decided per transaction (the bench replays the facts queries in the same batches). */
export const REMINDER_BATCH = 2000;

/**
 * The daily reminder run on the portal's date: settle promises, then decide every account with
 * an invoice a step has reached, and write what was decided — a grouped email with one pay link
 * per account, a call task for the collector, the log of skips — in one transaction per batch.
 *
 * Idempotent: a reminder (invoice, step) is written at most once (a unique index), and an email
 * or task exists only for decisions this run inserted, so a rerun, a retry after a crash or two
 * runs at once send nothing twice. An account emailed earlier the same day gets nothing more
 * that day: what else fell due goes tomorrow, so no account gets two reminders in a day.
 */
export async function runReminders(actor: Actor, input: { on?: string } = {}): Promise<ReminderRunSummary | Problem> {
  if (actor.kind !== "system" && !(actor.kind === "staff" && actor.role === "ar_admin")) return forbidden("Only the portal's schedule or an AR admin runs reminders.");
  const started = performance.now();
  const on = input.on ?? today();
  const { kept, broken } = await resolvePromises(on);
  const book = await loadCadenceBook(db);
  const rules = await getCollectionRules();
  const ids = await accountsToDecide(db, on, book);
  const summary: ReminderRunSummary = { on, accounts: ids.length, emails: 0, callTasks: 0, sent: 0, skipped: 0, promisesKept: kept, promisesBroken: broken, ms: 0 };
  for (let i = 0; i < ids.length; i += REMINDER_BATCH) {
    const batch = ids.slice(i, i + REMINDER_BATCH);
    const result = await db.transaction(async (tx) => decideBatch(tx, batch, on, book, rules.payLinkDays));
    summary.emails += result.emails;
    summary.callTasks += result.callTasks;
    summary.sent += result.sent;
    summary.skipped += result.skipped;
  }
  summary.ms = Math.round(performance.now() - started);
  log("info", "reminder run", { ...summary });
  return summary;
}

async function decideBatch(tx: Executor, accountIds: string[], on: string, book: CadenceBook, payLinkDays: number) {
  const facts = await loadReminderFacts(tx, accountIds, on, book);
  const emailedToday = new Set(
    (
      await tx.execute<{ account_id: string }>(sql`
        select distinct account_id from reminder_decisions
        where run_on = ${on}::date and action = 'send' and account_id = any(${textArray(accountIds)})`)
    ).map((r) => r.account_id),
  );

  const rows: Array<typeof reminderDecisions.$inferInsert> = [];
  const byAccount = new Map<string, { account: LoadedAccount; decisions: ReminderDecision[]; payLinkId: string }>();
  for (const account of facts) {
    let decisions = decideReminders(account, on);
    // One reminder a day: an account already reminded today waits for tomorrow's run.
    if (emailedToday.has(account.accountId)) decisions = decisions.filter((d) => d.action === "skip");
    if (decisions.length === 0) continue;
    const payLinkId = newId("pl");
    byAccount.set(account.accountId, { account, decisions, payLinkId });
    for (const d of decisions) {
      rows.push({
        accountId: account.accountId,
        invoiceId: d.invoiceId,
        stepId: d.stepId,
        offsetDays: d.offsetDays,
        channel: d.channel,
        runOn: on,
        action: d.action,
        reason: d.reason,
        amountDue: d.amountDue,
        amountOnHold: d.amountOnHold,
        payLinkId: d.action === "send" && d.channel === "email" ? payLinkId : null,
      });
    }
  }
  if (rows.length === 0) return { emails: 0, callTasks: 0, sent: 0, skipped: 0 };

  // Only what this run inserted is acted on: a decision already written (a rerun) is a no-op.
  const inserted = await insertDecisions(tx, rows);
  const sends = inserted.filter((r) => r.action === "send");
  const events: NewEvent[] = [];
  const links: Array<typeof payLinks.$inferInsert> = [];
  const tasks: Array<typeof collectionTasks.$inferInsert> = [];
  const expiresAt = new Date(`${addDays(on, payLinkDays)}T23:59:59Z`);
  let emails = 0;

  const sendsByAccount = new Map<string, typeof sends>();
  for (const s of sends) {
    const list = sendsByAccount.get(s.account_id) ?? [];
    sendsByAccount.set(s.account_id, list);
    list.push(s);
  }
  for (const [accountId, accountSends] of sendsByAccount) {
    const { account, payLinkId } = byAccount.get(accountId)!;
    const invoiceOf = new Map(account.invoices.map((inv) => [inv.id, inv]));
    const emailSends = accountSends.filter((s) => s.channel === "email");
    const callSends = accountSends.filter((s) => s.channel === "call");
    if (emailSends.length > 0) {
      emails++;
      links.push({ id: payLinkId, accountId, invoiceIds: emailSends.map((s) => s.invoice_id), expiresAt, reminderOn: on });
      events.push({
        type: "reminder.sent",
        accountId,
        subjectType: "account",
        subjectId: accountId,
        data: {
          channel: "email",
          run_on: on,
          step: Math.max(...emailSends.map((s) => s.offset_days)),
          pay_link_id: payLinkId,
          invoices: emailSends.map((s) => {
            const inv = invoiceOf.get(s.invoice_id)!;
            return { id: inv.id, external_id: inv.externalId, number: inv.number, step: s.offset_days, amount_due: Number(s.amount_due), amount_on_hold: Number(s.amount_on_hold), currency: inv.currency, days_late: daysBetween(inv.dueDate, on) };
          }),
        },
      });
    }
    if (callSends.length > 0) {
      const top = Math.max(...callSends.map((s) => s.offset_days));
      const step = account.steps.find((st) => st.offsetDays === top);
      const template = book.steps.get(account.cadenceId ?? "")?.find((st) => st.id === step?.id);
      const numbers = callSends.map((s) => invoiceOf.get(s.invoice_id)!.number);
      tasks.push({
        id: newId("ctk"),
        accountId,
        kind: "call",
        dueOn: on,
        assigneeId: account.collectorId,
        title: template ? fillTemplate(template.subject, callValues(account, callSends, on)) : `Call about ${numbers.join(", ")} (step ${stepLabel(top)})`,
        invoiceIds: callSends.map((s) => s.invoice_id),
        dedupeKey: `call:${on}`,
      });
    }
  }
  if (links.length > 0) await bulkInsert(tx, payLinks, links);
  if (tasks.length > 0) {
    const made = await tx.insert(collectionTasks).values(tasks).onConflictDoNothing().returning();
    for (const t of made)
      events.push({ type: "collection_task.created", accountId: t.accountId, subjectType: "collection_task", subjectId: t.id, data: { kind: t.kind, due_on: t.dueOn, assignee_id: t.assigneeId, title: t.title, invoice_ids: t.invoiceIds } });
  }
  // One sender job per batch: the emails are rendered from the decisions when sent.
  if (links.length > 0) await enqueueJob(tx, "send_reminder_emails", { runOn: on, accountIds: links.map((link) => link.accountId) }, { maxAttempts: 10 });
  await recordEvents(tx, events);
  return { emails, callTasks: tasks.length, sent: sends.length, skipped: inserted.length - sends.length };
}

interface InsertedDecision {
  account_id: string;
  invoice_id: string;
  offset_days: number;
  channel: "email" | "call";
  action: "send" | "skip";
  amount_due: string;
  amount_on_hold: string;
}

async function insertDecisions(tx: Executor, rows: Array<typeof reminderDecisions.$inferInsert>): Promise<InsertedDecision[]> {
  const out: InsertedDecision[] = [];
  // One JSON parameter per chunk (bulkInsert): drizzle's multi-row insert spent more time building
  // the statement than PostgreSQL storing the rows (bench: a first run's 88,000 decisions).
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000).map((r) => ({ ...r, id: newId("rmd") }));
    const inserted = new Set(await bulkInsert(tx, reminderDecisions, chunk, { skipConflicts: true }));
    for (const r of chunk) {
      if (!inserted.has(r.id)) continue;
      out.push({ account_id: r.accountId, invoice_id: r.invoiceId, offset_days: r.offsetDays, channel: r.channel, action: r.action, amount_due: String(r.amountDue), amount_on_hold: String(r.amountOnHold ?? 0) });
    }
  }
  return out;
}

function callValues(account: LoadedAccount, sends: InsertedDecision[], on: string) {
  const invoices = sends.map((s) => account.invoices.find((i) => i.id === s.invoice_id)!);
  const currency = invoices[0]?.currency ?? "USD";
  const total = sends.reduce((sum, s) => sum + Number(s.amount_due), 0);
  return {
    account_name: account.name,
    company_name: env().COMPANY_NAME,
    total_due: formatMoney(total, currency),
    invoice_count: String(sends.length),
    days_late: String(Math.max(0, ...invoices.map((i) => daysBetween(i.dueDate, on)))),
    // A call task's title is a note for the collector: offers are in the customer's email, not here.
    discount_offer: "",
  };
}
