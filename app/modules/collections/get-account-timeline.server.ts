import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { statusLabels as disputeStatusLabels, reasonLabels, type DisputeReason, type DisputeStatus } from "~/modules/disputes/policy";
import { PAYMENT_STATUS_LABELS, type PaymentStatus } from "~/modules/payments/payment-states";
import { now } from "~/utils/clock";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { forbidden, type Problem } from "~/utils/problem";
import { stepLabel } from "./steps";
import { taskKindLabels, taskOutcomeLabels } from "./task-labels";
import type { TaskKind, TaskOutcome } from "#db/schema/collection-values";

export const TIMELINE_PAGE_SIZE = 100;

export type TimelineKind = "invoice" | "reminder" | "task" | "note" | "promise" | "payment" | "dispute" | "plan";

export interface TimelineEntry {
  /** Unique on the page (the same row can say two things: a task created, then completed). */
  key: string;
  at: string;
  kind: TimelineKind;
  title: string;
  detail: string | null;
  /** Who did it, when a person did. */
  by: string | null;
  href: string | null;
  tone: "neutral" | "good" | "bad";
}

type Row = {
  at: Date | string;
  kind: string;
  ref: string;
  what: string;
  data: Record<string, unknown>;
  by: string | null;
};

/**
 * Everything about an account in time order, newest first: invoices issued, reminder decisions
 * (sent or skipped, with the engine's reason), tasks created and completed, notes, promises (made,
 * kept, broken), payments, disputes (opened, closed) and plan events.
 *
 * One statement: each source is read through its (account, time) index, newest first and at most
 * a page's worth before `before`, then the union is sorted and cut. So an account with 5,000
 * invoices costs a page, not its history. "Show older" passes the oldest entry's time back.
 */
export async function getAccountTimeline(actor: Actor, input: { accountId: string; before?: string | null }): Promise<{ entries: TimelineEntry[]; olderBefore: string | null } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team sees an account's timeline.");
  const before = input.before && /^\d{4}-\d{2}-\d{2}T/.test(input.before) && !Number.isNaN(Date.parse(input.before)) ? new Date(input.before).toISOString() : new Date(now().getTime() + 86_400_000).toISOString();
  const n = TIMELINE_PAGE_SIZE + 1;
  const account = input.accountId;
  const b = sql`${before}::timestamptz`;

  const rows = await db.execute<Row>(sql`
    select * from (
      (select (i.issue_date::timestamp at time zone 'UTC') as at, 'invoice' as kind, i.id as ref, 'issued' as what,
              jsonb_build_object('number', i.number, 'total', i.total, 'currency', i.currency, 'due', i.due_date, 'status', i.status) as data, null::text as by
         from invoices i where i.account_id = ${account} and i.issue_date <= (${b} at time zone 'UTC')::date
        order by i.issue_date desc limit ${n})
      union all
      (select r.created_at, 'reminder', r.id, r.action,
              jsonb_build_object('number', i.number, 'offset', r.offset_days, 'channel', r.channel, 'reason', r.reason, 'amount', r.amount_due, 'currency', i.currency), null
         from reminder_decisions r join invoices i on i.id = r.invoice_id
        where r.account_id = ${account} and r.created_at < ${b}
        order by r.created_at desc limit ${n})
      union all
      (select t.created_at, 'task', t.id, 'created',
              jsonb_build_object('kind', t.kind, 'title', t.title, 'due', t.due_on, 'assignee', u.name), null
         from collection_tasks t left join users u on u.id = t.assignee_id
        where t.account_id = ${account} and t.created_at < ${b}
        order by t.created_at desc limit ${n})
      union all
      (select t.completed_at, 'task', t.id, 'completed',
              jsonb_build_object('kind', t.kind, 'title', t.title, 'outcome', t.outcome, 'note', t.note), u.name
         from collection_tasks t left join users u on u.id = t.completed_by_user_id
        where t.account_id = ${account} and t.completed_at is not null and t.completed_at < ${b}
        order by t.completed_at desc limit ${n})
      union all
      (select nt.created_at, 'note', nt.id, 'added', jsonb_build_object('body', nt.body), u.name
         from account_notes nt left join users u on u.id = nt.author_id
        where nt.account_id = ${account} and nt.created_at < ${b}
        order by nt.created_at desc limit ${n})
      union all
      (select p.created_at, 'promise', p.id, 'created',
              jsonb_build_object('amount', p.amount, 'currency', p.currency, 'promisedFor', p.promised_for, 'source', p.source, 'note', p.note,
                                 'invoices', (select string_agg(i.number, ', ' order by i.number) from promise_invoices pi join invoices i on i.id = pi.invoice_id where pi.promise_id = p.id)),
              u.name
         from payment_promises p left join users u on u.id = p.created_by_user_id
        where p.account_id = ${account} and p.created_at < ${b}
        order by p.created_at desc limit ${n})
      union all
      (select p.resolved_at, 'promise', p.id, p.status,
              jsonb_build_object('amount', p.amount, 'currency', p.currency, 'promisedFor', p.promised_for), null
         from payment_promises p
        where p.account_id = ${account} and p.resolved_at is not null and p.resolved_at < ${b}
        order by p.resolved_at desc limit ${n})
      union all
      (select p.created_at, 'payment', p.id, p.status,
              jsonb_build_object('amount', p.amount, 'currency', p.currency, 'method', p.method_label, 'refunded', p.amount_refunded), null
         from payments p
        where p.account_id = ${account} and p.created_at < ${b}
        order by p.created_at desc limit ${n})
      union all
      (select d.created_at, 'dispute', d.id, 'opened',
              jsonb_build_object('number', i.number, 'amount', d.amount, 'currency', d.currency, 'reason', d.reason), null
         from disputes d join invoices i on i.id = d.invoice_id
        where d.account_id = ${account} and d.created_at < ${b}
        order by d.created_at desc limit ${n})
      union all
      (select d.closed_at, 'dispute', d.id, 'closed',
              jsonb_build_object('number', i.number, 'amount', d.amount, 'currency', d.currency, 'status', d.status), null
         from disputes d join invoices i on i.id = d.invoice_id
        where d.account_id = ${account} and d.closed_at is not null and d.closed_at < ${b}
        order by d.closed_at desc limit ${n})
      union all
      (select e.created_at, 'plan', e.subject_id, e.type, e.data, null
         from events e
        where e.subject_type = 'plan' and e.subject_id in (select pp.id from payment_plans pp where pp.account_id = ${account})
          and e.created_at < ${b}
        order by e.created_at desc limit ${n})
    ) timeline
    where at < ${b}
    order by at desc, kind, ref
    limit ${n}
  `);

  const page = rows.slice(0, TIMELINE_PAGE_SIZE).map(describe);
  return { entries: page, olderBefore: rows.length > TIMELINE_PAGE_SIZE ? page[page.length - 1]!.at : null };
}

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));
const money = (d: Record<string, unknown>, key = "amount") => formatMoney(Number(d[key] ?? 0), str(d.currency) || "USD");

function describe(row: Row): TimelineEntry {
  const at = new Date(row.at).toISOString();
  const d = row.data ?? {};
  const base = { key: `${row.kind}:${row.ref}:${row.what}`, at, by: row.by, detail: null as string | null, href: null as string | null, tone: "neutral" as TimelineEntry["tone"] };
  switch (row.kind) {
    case "invoice":
      return { ...base, kind: "invoice", title: `Invoice ${str(d.number)} issued`, detail: `${money(d, "total")}, due ${formatDate(str(d.due))}`, href: `/admin/invoices/${row.ref}` };
    case "reminder": {
      const sent = row.what === "send";
      const step = stepLabel(Number(d.offset));
      const title = sent
        ? d.channel === "call"
          ? `Call task for step ${step} for ${str(d.number)}`
          : `Sent step ${step} for ${str(d.number)}`
        : `Skipped ${str(d.number)}: ${str(d.reason)}`;
      return { ...base, kind: "reminder", title, detail: sent ? `${money(d)} asked for` : `step ${step}`, tone: sent ? "neutral" : "neutral" };
    }
    case "task": {
      const kind = taskKindLabels[str(d.kind) as TaskKind] ?? str(d.kind);
      if (row.what === "completed") {
        const outcome = taskOutcomeLabels[str(d.outcome) as TaskOutcome] ?? str(d.outcome);
        return { ...base, kind: "task", title: `${kind} done: ${outcome}`, detail: [str(d.title), str(d.note)].filter(Boolean).join(" — ") || null, tone: "good" };
      }
      return { ...base, kind: "task", title: `${kind} task: ${str(d.title)}`, detail: `Due ${formatDate(str(d.due))}${d.assignee ? ` · for ${str(d.assignee)}` : ""}` };
    }
    case "note":
      return { ...base, kind: "note", title: "Note", detail: str(d.body) };
    case "promise": {
      const what = `${money(d)} by ${formatDate(str(d.promisedFor))}`;
      if (row.what === "created") {
        const via = d.source === "staff" ? "recorded by staff" : d.source === "portal" ? "made in the portal" : d.source === "pay_link" ? "made on a pay link" : "made through the API";
        return { ...base, kind: "promise", title: `Promise to pay ${what}`, detail: [`${str(d.invoices)} · ${via}`, str(d.note)].filter(Boolean).join(" — ") };
      }
      const tone = row.what === "kept" ? "good" : row.what === "broken" ? "bad" : "neutral";
      return { ...base, kind: "promise", title: `Promise ${row.what}: ${what}`, tone };
    }
    case "payment": {
      const status = row.what as PaymentStatus;
      return {
        ...base,
        kind: "payment",
        title: `Payment of ${money(d)}: ${PAYMENT_STATUS_LABELS[status] ?? status}`,
        detail: [str(d.method), Number(d.refunded) > 0 ? `${money(d, "refunded")} refunded` : ""].filter(Boolean).join(" · ") || null,
        href: `/admin/payments/${row.ref}`,
        tone: status === "succeeded" ? "good" : status === "failed" ? "bad" : "neutral",
      };
    }
    case "dispute":
      if (row.what === "opened") {
        return { ...base, kind: "dispute", title: `Dispute opened on ${str(d.number)}`, detail: `${money(d)} · ${reasonLabels[str(d.reason) as DisputeReason] ?? str(d.reason)}`, href: `/admin/disputes/${row.ref}`, tone: "bad" };
      }
      return { ...base, kind: "dispute", title: `Dispute on ${str(d.number)} ${(disputeStatusLabels[str(d.status) as DisputeStatus] ?? str(d.status)).toLowerCase()}`, detail: money(d), href: `/admin/disputes/${row.ref}` };
    default: {
      // Plan events: "plan.activated" → "Payment plan activated".
      const verb = row.what.replace(/^plan\./, "").replaceAll("_", " ");
      return { ...base, key: `${base.key}:${at}`, kind: "plan", title: `Payment plan ${verb}`, href: `/admin/plans/${row.ref}`, tone: row.what === "plan.defaulted" ? "bad" : row.what === "plan.completed" ? "good" : "neutral" };
    }
  }
}
