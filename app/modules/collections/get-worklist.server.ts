import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { waitingOnArDisputeStatuses } from "~/modules/disputes/policy";
import { now, today } from "~/utils/clock";
import { forbidden, type Problem } from "~/utils/problem";

export const WORKLIST_PAGE_SIZE = 25;

/**
 * How much each reason weighs, in "dollar-days" (an overdue amount in major units × its days
 * late): a call task due counts like $1,000 twenty days late, a broken promise twice that, a
 * dispute waiting on the AR team half that. So a large, old debt still leads, but an account with
 * something to do today is never buried under the merely overdue.
 */
export const WORKLIST_WEIGHTS = { taskDue: 20_000, brokenPromise: 40_000, disputeWaiting: 10_000 } as const;

/** A broken promise stays on the worklist this long, unless the customer promised again since. */
export const BROKEN_PROMISE_DAYS = 30;

export const worklistQuery = z.object({
  /** "mine" (the signed-in staff member), "any", "none" (no collector) or a staff user's id. */
  collector: z.string().trim().max(40).catch("any").default("any"),
  segment: z.string().trim().max(60).catch("").default(""),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type WorklistQuery = z.infer<typeof worklistQuery>;

export interface WorklistRow {
  accountId: string;
  name: string;
  number: string;
  collectorId: string | null;
  collectorName: string | null;
  segment: string | null;
  onHold: boolean;
  /** Overdue balance per currency (never summed across currencies). */
  overdue: Array<{ currency: string; amount: number }>;
  oldestDaysLate: number;
  tasksDue: number;
  brokenPromises: number;
  disputesWaiting: number;
  score: number;
}

/**
 * The AR team's worklist: every account with something to do today, most urgent first.
 *
 * One SQL statement, built to stay fast at 100,000 accounts and 1,000,000 invoices:
 * - each reason is one grouped pass over the rows that can carry it, through an index that holds
 *   only those: open overdue invoices (`invoices_account_status_due_idx` is no help for "overdue
 *   anywhere", so this is the one pass over open invoices), open tasks due (partial index
 *   `collection_tasks_open_idx`), disputes in the AR team's statuses (`disputes_queue_idx`),
 *   recently broken promises (few);
 * - the filters ("mine", a segment) are pushed into every pass as an id list from
 *   `collection_profiles` (indexed by collector and segment), so a collector's view reads only
 *   their accounts' rows;
 * - the score, the total (a window count) and the page are decided on those per-account
 *   aggregates alone; names, collectors and the per-currency amounts are joined for the page's 25
 *   accounts only, like the customer list and the dispute queue do.
 * Amount × days is summed in minor units across currencies (a ranking, not a total).
 */
export async function getWorklist(actor: Actor, query: WorklistQuery): Promise<{ rows: WorklistRow[]; total: number; page: number; pageCount: number } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees the collections worklist.");
  const day = today();
  const since = new Date(now().getTime() - BROKEN_PROMISE_DAYS * 86_400_000).toISOString();
  const collectorId = query.collector === "mine" ? actor.userId : query.collector !== "any" && query.collector !== "none" ? query.collector : null;

  // The accounts the filters allow, as a condition every pass can use on its own account column.
  const profileFilters: SQL[] = [];
  if (collectorId) profileFilters.push(sql`cp.collector_id = ${collectorId}`);
  if (query.segment) profileFilters.push(sql`cp.segment = ${query.segment}`);
  const scope = (column: SQL) =>
    profileFilters.length ? sql`and ${column} in (select cp.account_id from collection_profiles cp where ${sql.join(profileFilters, sql` and `)})` : sql``;
  const unassignedOnly = query.collector === "none" ? sql`where cp.collector_id is null` : sql``;
  const waiting = sql.join(
    waitingOnArDisputeStatuses.map((s) => sql`${s}`),
    sql`, `,
  );
  const offset = (query.page - 1) * WORKLIST_PAGE_SIZE;

  const rows = await db.execute<{
    account_id: string;
    name: string;
    number: string;
    collector_id: string | null;
    collector_name: string | null;
    segment: string | null;
    on_hold: boolean | null;
    overdue: Array<{ currency: string; amount: number | string }> | null;
    oldest: number | null;
    tasks_due: number | null;
    broken: number | null;
    disputes_waiting: number | null;
    score: string;
    total: string;
  }>(sql`
    with overdue as (
      select i.account_id,
             sum((i.balance - i.amount_disputed)::numeric * (${day}::date - i.due_date)) as amount_days,
             max(${day}::date - i.due_date) as oldest
        from invoices i
       where i.status = 'open' and i.balance > 0 and i.due_date < ${day}::date and i.payment_plan_id is null ${scope(sql`i.account_id`)}
       group by i.account_id
    ), tasks as (
      select t.account_id, count(*)::int as n
        from collection_tasks t
       where t.status = 'open' and t.due_on <= ${day}::date ${scope(sql`t.account_id`)}
       group by t.account_id
    ), broken as (
      select p.account_id, count(*)::int as n
        from payment_promises p
       where p.status = 'broken' and p.resolved_at >= ${since}::timestamptz ${scope(sql`p.account_id`)}
         and not exists (select 1 from payment_promises q where q.account_id = p.account_id and q.created_at > p.created_at)
       group by p.account_id
    ), waiting as (
      select d.account_id, count(*)::int as n
        from disputes d
       where d.status in (${waiting}) ${scope(sql`d.account_id`)}
       group by d.account_id
    ), candidates as (
      select account_id from overdue union select account_id from tasks union select account_id from broken union select account_id from waiting
    ), ranked as (
      select c.account_id, cp.collector_id, cp.segment, cp.on_hold,
             o.oldest, t.n as tasks_due, b.n as broken, w.n as disputes_waiting,
             coalesce(o.amount_days, 0) / 100
               + coalesce(t.n, 0) * ${WORKLIST_WEIGHTS.taskDue}
               + coalesce(b.n, 0) * ${WORKLIST_WEIGHTS.brokenPromise}
               + coalesce(w.n, 0) * ${WORKLIST_WEIGHTS.disputeWaiting} as score,
             count(*) over () as total
        from candidates c
        left join overdue o on o.account_id = c.account_id
        left join tasks t on t.account_id = c.account_id
        left join broken b on b.account_id = c.account_id
        left join waiting w on w.account_id = c.account_id
        left join collection_profiles cp on cp.account_id = c.account_id
       ${unassignedOnly}
       order by score desc, o.oldest desc nulls last, c.account_id
       limit ${WORKLIST_PAGE_SIZE} offset ${offset}
    )
    select r.*, a.name, a.number, u.name as collector_name,
           (select json_agg(json_build_object('currency', x.currency, 'amount', x.amount) order by x.currency)
              from (select i.currency, sum(i.balance) as amount
                      from invoices i
                     where i.account_id = r.account_id and i.status = 'open' and i.balance > 0 and i.due_date < ${day}::date and i.payment_plan_id is null
                     group by i.currency) x) as overdue
      from ranked r
      join accounts a on a.id = r.account_id
      left join users u on u.id = r.collector_id
     order by r.score desc, r.oldest desc nulls last, r.account_id
  `);

  const total = rows.length > 0 ? Number(rows[0]!.total) : await countWhenPastTheEnd(actor, query);
  return {
    rows: rows.map((r) => ({
      accountId: r.account_id,
      name: r.name,
      number: r.number,
      collectorId: r.collector_id,
      collectorName: r.collector_name,
      segment: r.segment,
      onHold: r.on_hold ?? false,
      overdue: (r.overdue ?? []).map((o) => ({ currency: o.currency, amount: Number(o.amount) })),
      oldestDaysLate: r.oldest ?? 0,
      tasksDue: r.tasks_due ?? 0,
      brokenPromises: r.broken ?? 0,
      disputesWaiting: r.disputes_waiting ?? 0,
      score: Math.round(Number(r.score)),
    })),
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / WORKLIST_PAGE_SIZE)),
  };
}

/** A page past the end has no row to carry the window count: ask for the first page's. */
async function countWhenPastTheEnd(actor: Actor, query: WorklistQuery): Promise<number> {
  if (query.page === 1) return 0;
  const first = await getWorklist(actor, { ...query, page: 1 });
  return "total" in first ? first.total : 0;
}
