import { sql } from "drizzle-orm";
import type { LateFeeKind } from "#db/schema/terms";
import type { Executor } from "~/db.server";
import { textArray } from "~/utils/sql-array.server";
import type { FeeFacts, FeePolicy } from "./late-fee-rules";

/** One invoice a fee may be charged on, with what the rules need about it and its account. */
export interface LoadedFeeInvoice {
  id: string;
  number: string;
  currency: string;
  facts: Omit<FeeFacts, "accountUnpaidFees">;
  policyId: string;
}

type PolicyRow = { id: string; enabled: boolean; kind: LateFeeKind; rate_bps: number | null; fixed_amount: string | null; grace_days: number; cap_per_invoice: string | null; cap_per_account: string | null };

const num = (v: string | number | null) => (v === null ? null : Number(v));

/**
 * Accounts that may owe a fee on `on`: the contract allows fees, the policy that applies (their
 * own, else the default) is enabled, and an open invoice of theirs is past due plus its grace.
 * A cheap filter: the rules decide each invoice afterwards.
 */
export async function accountsWithFeesDue(exec: Executor, on: string): Promise<string[]> {
  const rows = await exec.execute<{ account_id: string }>(sql`
    select distinct i.account_id
    from invoices i
    join accounts a on a.id = i.account_id and a.late_fees_allowed
    join lateral (
      select p.enabled, p.grace_days from late_fee_policies p
      where p.account_id = a.id or p.account_id is null
      order by p.account_id nulls last limit 1
    ) policy on policy.enabled
    where i.status = 'open' and i.balance > 0 and i.late_fee_for_invoice_id is null and i.payment_plan_id is null
      and i.due_date + policy.grace_days < ${on}::date
    order by 1`);
  return rows.map((r) => r.account_id);
}

export interface AccountFeeFacts {
  invoices: LoadedFeeInvoice[];
  /** Late fees the account owes now, per currency. */
  unpaidFees: Map<string, number>;
}

/**
 * The facts of accounts' overdue invoices (due before `on`, open, not fees themselves) and the
 * late fees each owes now per currency, in four statements for the whole batch. The run reads
 * them for a batch to find who owes a fee, then again for one account inside its lock.
 */
export async function loadFeeFacts(exec: Executor, accountIds: readonly string[], on: string): Promise<Map<string, AccountFeeFacts>> {
  const ids = textArray(accountIds);
  const allowed = new Map(
    (await exec.execute<{ id: string; late_fees_allowed: boolean }>(sql`select id, late_fees_allowed from accounts where id = any(${ids})`)).map((a) => [a.id, a.late_fees_allowed]),
  );
  const policies = await exec.execute<PolicyRow & { account_id: string | null }>(sql`
    select id, account_id, enabled, kind, rate_bps, fixed_amount, grace_days, cap_per_invoice, cap_per_account
    from late_fee_policies where account_id = any(${ids}) or account_id is null`);
  const toPolicy = (row: PolicyRow): FeePolicy & { enabled: boolean } => ({
    enabled: row.enabled,
    kind: row.kind,
    rateBps: row.rate_bps,
    fixedAmount: num(row.fixed_amount),
    graceDays: row.grace_days,
    capPerInvoice: num(row.cap_per_invoice),
    capPerAccount: num(row.cap_per_account),
  });
  const fallback = policies.find((p) => p.account_id === null) ?? null;
  const own = new Map(policies.filter((p) => p.account_id !== null).map((p) => [p.account_id!, p]));

  const invoices = await exec.execute<{
    id: string;
    account_id: string;
    number: string;
    currency: string;
    status: "open" | "paid" | "void";
    due_date: string;
    balance: string;
    amount_pending: string;
    amount_disputed: string;
    on_plan: boolean;
    promised: boolean;
    fees_posted: string;
    periods: number[];
  }>(sql`
    select i.id, i.account_id, i.number, i.currency, i.status, i.due_date::text as due_date, i.balance, i.amount_pending, i.amount_disputed,
      i.payment_plan_id is not null as on_plan,
      exists (select 1 from promise_invoices pi join payment_promises p on p.id = pi.promise_id where pi.invoice_id = i.id and p.status = 'open') as promised,
      coalesce((select sum(f.total) from invoices f where f.late_fee_for_invoice_id = i.id and f.status <> 'void'), 0) as fees_posted,
      coalesce((select array_agg(f.late_fee_period) from invoices f where f.late_fee_for_invoice_id = i.id), '{}') as periods
    from invoices i
    where i.account_id = any(${ids}) and i.status = 'open' and i.balance > 0 and i.late_fee_for_invoice_id is null and i.due_date < ${on}::date
    order by i.account_id, i.due_date, i.number`);
  const unpaid = await exec.execute<{ account_id: string; currency: string; owed: string }>(sql`
    select account_id, currency, sum(balance) as owed from invoices
    where account_id = any(${ids}) and late_fee_for_invoice_id is not null and status = 'open'
    group by account_id, currency`);

  const result = new Map<string, AccountFeeFacts>(accountIds.map((id) => [id, { invoices: [], unpaidFees: new Map() }]));
  for (const u of unpaid) result.get(u.account_id)?.unpaidFees.set(u.currency, Number(u.owed));
  for (const i of invoices) {
    const row = own.get(i.account_id) ?? fallback;
    result.get(i.account_id)?.invoices.push({
      id: i.id,
      number: i.number,
      currency: i.currency,
      policyId: row?.id ?? "",
      facts: {
        feesAllowed: allowed.get(i.account_id) ?? false,
        policy: row ? toPolicy(row) : null,
        invoice: {
          status: i.status,
          dueDate: i.due_date,
          balance: Number(i.balance),
          amountPending: Number(i.amount_pending),
          amountDisputed: Number(i.amount_disputed),
          isLateFee: false,
          onPlan: i.on_plan,
          promised: i.promised,
          feesPosted: Number(i.fees_posted),
          periodsPosted: i.periods.map(Number),
        },
      },
    });
  }
  return result;
}
