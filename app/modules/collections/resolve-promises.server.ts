import { eq, sql } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { collectionTasks, paymentPromises } from "#db/schema/collections";
import { db, type Executor } from "~/db.server";
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
};

/**
 * Settles open promises on a date: kept once the promised invoices' balance has fallen by the
 * promised amount; broken the day after the date + grace days otherwise — the collector gets a
 * task and an email, and reminders resume that same day (the promise no longer pauses them).
 * Each promise is decided once (the status moves off 'open' in the same statement).
 */
export async function resolvePromises(on: string): Promise<{ kept: number; broken: number }> {
  return db.transaction(async (tx) => {
    const open = await tx.execute<OpenPromise>(sql`
      select p.id, p.account_id, a.name as account_name, p.currency, p.amount, p.promised_for::text, p.grace_days,
             p.balance_at_promise, cp.collector_id,
             (select sum(i.balance) from promise_invoices pi join invoices i on i.id = pi.invoice_id where pi.promise_id = p.id) as balance_now
      from payment_promises p
      join accounts a on a.id = p.account_id
      left join collection_profiles cp on cp.account_id = p.account_id
      where p.status = 'open'
      for update of p`);
    const kept = open.filter((p) => Number(p.balance_at_promise) - Number(p.balance_now) >= Number(p.amount));
    const broken = open.filter((p) => !kept.includes(p) && on > addDays(p.promised_for, p.grace_days));
    if (kept.length + broken.length === 0) return { kept: 0, broken: 0 };

    const events: NewEvent[] = [];
    const resolvedAt = now();
    for (const p of kept) {
      await tx.update(paymentPromises).set({ status: "kept", resolvedAt }).where(eq(paymentPromises.id, p.id));
      events.push({ type: "promise.kept", accountId: p.account_id, subjectType: "promise", subjectId: p.id, data: promiseData(p) });
    }
    for (const p of broken) {
      await tx.update(paymentPromises).set({ status: "broken", resolvedAt }).where(eq(paymentPromises.id, p.id));
      events.push({ type: "promise.broken", accountId: p.account_id, subjectType: "promise", subjectId: p.id, data: promiseData(p) });
      const title = `Promise broken: ${formatMoney(Number(p.amount), p.currency)} by ${formatDate(p.promised_for)}`;
      const [task] = await tx
        .insert(collectionTasks)
        .values({ accountId: p.account_id, kind: "broken_promise", dueOn: on, assigneeId: p.collector_id, title, promiseId: p.id, dedupeKey: `promise:${p.id}` })
        .onConflictDoNothing()
        .returning({ id: collectionTasks.id });
      if (task) events.push({ type: "collection_task.created", accountId: p.account_id, subjectType: "collection_task", subjectId: task.id, data: { kind: "broken_promise", due_on: on, assignee_id: p.collector_id, promise_id: p.id, title } });
      if (p.collector_id) await notifyCollector(tx, p);
    }
    await recordEvents(tx, events);
    return { kept: kept.length, broken: broken.length };
  });
}

function promiseData(p: OpenPromise) {
  return { amount: Number(p.amount), currency: p.currency, promised_for: p.promised_for, grace_days: p.grace_days, paid_since: Number(p.balance_at_promise) - Number(p.balance_now) };
}

async function notifyCollector(tx: Executor, p: OpenPromise) {
  const [collector] = await tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, p.collector_id!));
  if (!collector) return;
  await queueEmail(
    tx,
    brokenPromiseEmail({
      to: collector.email,
      collectorName: collector.name,
      company: env().COMPANY_NAME,
      accountName: p.account_name,
      accountUrl: new URL(`/admin/customers/${p.account_id}`, env().APP_URL).toString(),
      amount: Number(p.amount),
      paidSince: Math.max(0, Number(p.balance_at_promise) - Number(p.balance_now)),
      currency: p.currency,
      promisedFor: p.promised_for,
    }),
  );
}
