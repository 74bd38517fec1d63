import { sql } from "drizzle-orm";
import type { LateFeeKind } from "#db/schema/terms";
import type { Executor } from "~/db.server";
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

/**
 * The facts of one account's overdue invoices (due before `on`, open, not fees themselves) and
 * the late fees it owes now per currency. Read inside the posting transaction, after its lock.
 */
export async function loadFeeFacts(exec: Executor, accountId: string, on: string): Promise<{ invoices: LoadedFeeInvoice[]; unpaidFees: Map<string, number> }> {
  const [account] = await exec.execute<{ late_fees_allowed: boolean }>(sql`select late_fees_allowed from accounts where id = ${accountId}`);
  const policies = await exec.execute<PolicyRow & { account_id: string | null }>(sql`
    select id, account_id, enabled, kind, rate_bps, fixed_amount, grace_days, cap_per_invoice, cap_per_account
    from late_fee_policies where account_id = ${accountId} or account_id is null`);
  const row = policies.find((p) => p.account_id === accountId) ?? policies.find((p) => p.account_id === null) ?? null;
  const policy: (FeePolicy & { enabled: boolean }) | null = row
    ? { enabled: row.enabled, kind: row.kind, rateBps: row.rate_bps, fixedAmount: num(row.fixed_amount), graceDays: row.grace_days, capPerInvoice: num(row.cap_per_invoice), capPerAccount: num(row.cap_per_account) }
    : null;

  const invoices = await exec.execute<{
    id: string;
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
    select i.id, i.number, i.currency, i.status, i.due_date::text as due_date, i.balance, i.amount_pending, i.amount_disputed,
      i.payment_plan_id is not null as on_plan,
      exists (select 1 from promise_invoices pi join payment_promises p on p.id = pi.promise_id where pi.invoice_id = i.id and p.status = 'open') as promised,
      coalesce((select sum(f.total) from invoices f where f.late_fee_for_invoice_id = i.id and f.status <> 'void'), 0) as fees_posted,
      coalesce((select array_agg(f.late_fee_period) from invoices f where f.late_fee_for_invoice_id = i.id), '{}') as periods
    from invoices i
    where i.account_id = ${accountId} and i.status = 'open' and i.balance > 0 and i.late_fee_for_invoice_id is null and i.due_date < ${on}::date
    order by i.due_date, i.number`);
  const unpaid = await exec.execute<{ currency: string; owed: string }>(sql`
    select currency, sum(balance) as owed from invoices
    where account_id = ${accountId} and late_fee_for_invoice_id is not null and status = 'open'
    group by currency`);

  return {
    invoices: invoices.map((i) => ({
      id: i.id,
      number: i.number,
      currency: i.currency,
      policyId: row?.id ?? "",
      facts: {
        feesAllowed: account?.late_fees_allowed ?? false,
        policy,
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
    })),
    unpaidFees: new Map(unpaid.map((u) => [u.currency, Number(u.owed)])),
  };
}
