import { inArray, sql } from "drizzle-orm";
import { collectionTasks, paymentPromises } from "#db/schema/collections";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { recordEvents, type NewEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { now } from "~/utils/clock";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { brokenPromiseEmail } from "./collector-emails";

type OpenPromise = {
  id: string;
  account_id: string;
  account_name: string;
  currency: string;
  amount: string;
  promised_for: string;
  grace_days: number;
  balance_at_promise: string;
  balance_now: string;
  collector_id: string | null;
  collector_email: string | null;
  collector_name: string | null;
};

/**
 * Settles open promises on a date: kept once the promised invoices' balance has fallen by the
 * promised amount; broken the day after the date + grace days otherwise — the collector gets a
 * task and an email, and reminders resume that same day (the promise no longer pauses them).
 * Each promise is decided once: the rows are locked, and the status moves off 'open' in this transaction.
 */
export async function resolvePromises(on: string): Promise<{ kept: number; broken: number }> {
  return db.transaction(async (tx) => {
    const open = await tx.execute<OpenPromise>(sql`
      select p.id, p.account_id, a.name as account_name, p.currency, p.amount, p.promised_for::text, p.grace_days,
             p.balance_at_promise, cp.collector_id, u.email as collector_email, u.name as collector_name,
             (select sum(i.balance) from promise_invoices pi join invoices i on i.id = pi.invoice_id where pi.promise_id = p.id) as balance_now
      from payment_promises p
      join accounts a on a.id = p.account_id
      left join collection_profiles cp on cp.account_id = p.account_id
      left join users u on u.id = cp.collector_id
      where p.status = 'open'
      for update of p`);
    const kept = open.filter((p) => Number(p.balance_at_promise) - Number(p.balance_now) >= Number(p.amount));
    const broken = open.filter((p) => !kept.includes(p) && on > addDays(p.promised_for, p.grace_days));
    if (kept.length + broken.length === 0) return { kept: 0, broken: 0 };

    const resolvedAt = now();
    for (const [status, list] of [["kept", kept], ["broken", broken]] as const) {
      if (list.length > 0) await tx.update(paymentPromises).set({ status, resolvedAt }).where(inArray(paymentPromises.id, list.map((p) => p.id)));
    }
    const events: NewEvent[] = [
      ...kept.map((p) => ({ type: "promise.kept" as const, accountId: p.account_id, subjectType: "promise", subjectId: p.id, data: promiseData(p) })),
      ...broken.map((p) => ({ type: "promise.broken" as const, accountId: p.account_id, subjectType: "promise", subjectId: p.id, data: promiseData(p) })),
    ];
    if (broken.length > 0) {
      const titleOf = (p: OpenPromise) => `Promise broken: ${formatMoney(Number(p.amount), p.currency)} by ${formatDate(p.promised_for)}`;
      const tasks = await tx
        .insert(collectionTasks)
        .values(broken.map((p) => ({ accountId: p.account_id, kind: "broken_promise" as const, dueOn: on, assigneeId: p.collector_id, title: titleOf(p), promiseId: p.id, dedupeKey: `promise:${p.id}` })))
        .onConflictDoNothing()
        .returning();
      for (const t of tasks)
        events.push({ type: "collection_task.created", accountId: t.accountId, subjectType: "collection_task", subjectId: t.id, data: { kind: t.kind, due_on: t.dueOn, assignee_id: t.assigneeId, promise_id: t.promiseId, title: t.title } });
      for (const p of broken) if (p.collector_email) await queueEmail(tx, brokenPromiseEmail(collectorFacts(p)));
    }
    await recordEvents(tx, events);
    return { kept: kept.length, broken: broken.length };
  });
}

function promiseData(p: OpenPromise) {
  return { amount: Number(p.amount), currency: p.currency, promised_for: p.promised_for, grace_days: p.grace_days, paid_since: Number(p.balance_at_promise) - Number(p.balance_now) };
}

function collectorFacts(p: OpenPromise) {
  return {
    to: p.collector_email!,
    collectorName: p.collector_name ?? p.collector_email!,
    company: env().COMPANY_NAME,
    accountName: p.account_name,
    accountUrl: new URL(`/admin/customers/${p.account_id}`, env().APP_URL).toString(),
    amount: Number(p.amount),
    paidSince: Math.max(0, Number(p.balance_at_promise) - Number(p.balance_now)),
    currency: p.currency,
    promisedFor: p.promised_for,
  };
}
