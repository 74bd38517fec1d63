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
 * - every reason is a row of one `union all` read through an index that holds only the rows that
 *   can carry it: open overdue invoices through the partial covering index
 *   `invoices_overdue_rank_idx` (migration 0014: an index-only range scan of ~200,000 entries
 *   instead of a pass over the table), open tasks due (`collection_tasks_open_idx`), disputes
 *   in the AR team's statuses (`disputes_queue_idx`), recently broken promises (few);
 * - one hash aggregate turns them into a score per account; the total is a window count over
 *   those groups and the page is a top-N sort, so nothing is joined before the page is chosen;
 * - the filters ("mine", a segment) are pushed into every branch as an id list from
 *   `collection_profiles` (indexed by collector and by segment), so a collector's view reads only
 *   their accounts' rows; "unassigned" is an anti-join on the profiles with a collector;
 * - names, collectors and the per-currency amounts are joined for the page's 25 accounts only
 *   (like the customer list and the dispute queue).
 * Measured on the benchmark's data (100,000 accounts, 1,000,000 invoices, 197,000 overdue, 75,000
 * accounts on the list), 2 shared cores: the whole book ~220 ms, one collector's ~60 ms.
 * Amount × days is the overdue balance (a disputed part included: the dispute counts on its own
 * too), summed in minor units across currencies: a ranking, not a total.
 */
export async function getWorklist(actor: Actor, query: WorklistQuery): Promise<{ rows: WorklistRow[]; total: number; page: number; pageCount: number } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees the collections worklist.");
  const rows = await db.execute<WorklistSqlRow>(worklistSql(actor, query));
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

type WorklistSqlRow = {
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
  };

/** The worklist's one statement (exported for the benchmark probe's EXPLAIN). */
export function worklistSql(actor: { userId: string }, query: WorklistQuery): SQL {
  const day = today();
  const since = new Date(now().getTime() - BROKEN_PROMISE_DAYS * 86_400_000).toISOString();
  const collectorId = query.collector === "mine" ? actor.userId : query.collector !== "any" && query.collector !== "none" ? query.collector : null;

  // The accounts the filters allow, as a condition every pass can use on its own account column.
  const profileFilters: SQL[] = [];
  if (collectorId) profileFilters.push(sql`cp.collector_id = ${collectorId}`);
  if (query.segment) profileFilters.push(sql`cp.segment = ${query.segment}`);
  const scope = (column: SQL) =>
    profileFilters.length ? sql`and ${column} in (select cp.account_id from collection_profiles cp where ${sql.join(profileFilters, sql` and `)})` : sql``;
  const waiting = sql.join(
    waitingOnArDisputeStatuses.map((s) => sql`${s}`),
    sql`, `,
  );
  const offset = (query.page - 1) * WORKLIST_PAGE_SIZE;
  const noCollector = query.collector === "none" ? sql`and not exists (select 1 from collection_profiles cp where cp.account_id = r.account_id and cp.collector_id is not null)` : sql``;
  return sql`
    with reasons as (
      select i.account_id, i.balance::float8 * (${day}::date - i.due_date) as amount_days, ${day}::date - i.due_date as days_late, 0 as task, 0 as broken, 0 as waiting
        from invoices i
       where i.status = 'open' and i.balance > 0 and i.due_date < ${day}::date and i.payment_plan_id is null ${scope(sql`i.account_id`)}
      union all
      select t.account_id, 0, null, 1, 0, 0
        from collection_tasks t
       where t.status = 'open' and t.due_on <= ${day}::date ${scope(sql`t.account_id`)}
      union all
      select p.account_id, 0, null, 0, 1, 0
        from payment_promises p
       where p.status = 'broken' and p.resolved_at >= ${since}::timestamptz ${scope(sql`p.account_id`)}
         and not exists (select 1 from payment_promises q where q.account_id = p.account_id and q.created_at > p.created_at)
      union all
      select d.account_id, 0, null, 0, 0, 1
        from disputes d
       where d.status in (${waiting}) ${scope(sql`d.account_id`)}
    ), ranked as (
      select r.account_id,
             sum(r.amount_days) / 100
               + sum(r.task) * ${WORKLIST_WEIGHTS.taskDue}
               + sum(r.broken) * ${WORKLIST_WEIGHTS.brokenPromise}
               + sum(r.waiting) * ${WORKLIST_WEIGHTS.disputeWaiting} as score,
             max(r.days_late) as oldest, sum(r.task)::int as tasks_due, sum(r.broken)::int as broken, sum(r.waiting)::int as disputes_waiting,
             count(*) over () as total
        from reasons r
       where true ${noCollector}
       group by r.account_id
       order by score desc, oldest desc nulls last, r.account_id
       limit ${WORKLIST_PAGE_SIZE} offset ${offset}
    )
    select r.*, a.name, a.number, cp.collector_id, cp.segment, cp.on_hold, u.name as collector_name,
           (select json_agg(json_build_object('currency', x.currency, 'amount', x.amount) order by x.currency)
              from (select i.currency, sum(i.balance) as amount
                      from invoices i
                     where i.account_id = r.account_id and i.status = 'open' and i.balance > 0 and i.due_date < ${day}::date and i.payment_plan_id is null
                     group by i.currency) x) as overdue
      from ranked r
      join accounts a on a.id = r.account_id
      left join collection_profiles cp on cp.account_id = r.account_id
      left join users u on u.id = cp.collector_id
     order by r.score desc, r.oldest desc nulls last, r.account_id
  `;
}

/** A page past the end has no row to carry the window count: ask for the first page's. */
async function countWhenPastTheEnd(actor: Actor, query: WorklistQuery): Promise<number> {
  if (query.page === 1) return 0;
  const first = await getWorklist(actor, { ...query, page: 1 });
  return "total" in first ? first.total : 0;
}
