import { inArray, sql } from "drizzle-orm";
import { newId } from "#db/schema/ids";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db, type Tx } from "~/db.server";
import { env } from "~/env.server";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { auditActor, isAdmin, type Actor } from "~/modules/auth/actor";
import { recordAudits, type AuditEntry } from "~/modules/audit/record-audit.server";
import { recordEvents, type NewEvent } from "~/modules/events/record-event.server";
import { accountRecipients, addressOf } from "~/modules/notifications/account-recipients.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { companyToday } from "~/modules/terms/company-date.server";
import { log } from "~/utils/log.server";
import { formatMoney } from "~/utils/money";
import { forbidden, type Problem } from "~/utils/problem";
import { decideLateFee, formatRate, type FeeSkipReason } from "./late-fee-rules";
import { lateFeesPostedEmail } from "./late-fee-email";
import { accountsWithFeesDue, loadFeeFacts, type AccountFeeFacts, type LoadedFeeInvoice } from "./load-fee-facts.server";

export interface PostedFee {
  invoiceId: string;
  number: string;
  parentInvoiceId: string;
  parentNumber: string;
  period: number;
  amount: number;
  currency: string;
}

export interface LateFeeRunSummary {
  on: string;
  /** Accounts looked at (an overdue invoice past its grace, fees allowed, a policy enabled). */
  accounts: number;
  posted: PostedFee[];
  skipped: Partial<Record<FeeSkipReason, number>>;
  ms: number;
}

/**
 * The late-fee run on the company's date: for every account that may owe fees, decide each
 * overdue invoice with the pure rules and post the current period's fee as its own invoice
 * (ADR late fees). Idempotent: the unique index (late_fee_for_invoice_id, late_fee_period) makes
 * the insert a no-op when the period is already posted, so a rerun, two workers at once or the
 * first run after an outage never post a fee twice; a per-account lock keeps the account cap true
 * when two runs meet. Each posted fee records `invoice.late_fee_posted` and an audit row; the
 * account's billing contacts get one email listing the run's fees.
 */
export async function postLateFees(actor: Actor, input: { on?: string } = {}): Promise<LateFeeRunSummary | Problem> {
  if (actor.kind !== "system" && !isAdmin(actor)) return forbidden("Only the portal's schedule or an AR admin posts late fees.");
  const started = performance.now();
  const on = input.on ?? companyToday();
  const accountIds = await accountsWithFeesDue(db, on);
  const summary: LateFeeRunSummary = { on, accounts: accountIds.length, posted: [], skipped: {}, ms: 0 };
  const count = (skipped: Partial<Record<FeeSkipReason, number>>) => {
    for (const [reason, n] of Object.entries(skipped)) summary.skipped[reason as FeeSkipReason] = (summary.skipped[reason as FeeSkipReason] ?? 0) + n;
  };
  for (let i = 0; i < accountIds.length; i += FEE_BATCH) {
    // A read of the whole batch finds who owes a fee today; only those take a lock and a transaction
    // (an hourly rerun where every period is posted costs these four statements per batch).
    const batch = await loadFeeFacts(db, accountIds.slice(i, i + FEE_BATCH), on);
    for (const [accountId, facts] of batch) {
      const { skipped, due } = decideAccount(facts, on);
      if (!due) {
        count(skipped);
        continue;
      }
      const result = await db.transaction((tx) => postForAccount(tx, actor, accountId, on));
      summary.posted.push(...result.posted);
      count(result.skipped);
    }
  }
  summary.ms = Math.round(performance.now() - started);
  log("info", "late fee run", { on, accounts: summary.accounts, posted: summary.posted.length, skipped: summary.skipped, ms: summary.ms });
  return summary;
}

/** Accounts whose facts are read per statement by the run. */
export const FEE_BATCH = 1000;

/** Whether any invoice of the account owes a fee today (the caps as the account stands), and the skips. */
function decideAccount(facts: AccountFeeFacts, on: string): { due: boolean; skipped: Partial<Record<FeeSkipReason, number>> } {
  const skipped: Partial<Record<FeeSkipReason, number>> = {};
  let due = false;
  for (const candidate of facts.invoices) {
    const decision = decideLateFee({ ...candidate.facts, accountUnpaidFees: facts.unpaidFees.get(candidate.currency) ?? 0 }, on);
    if (decision.action === "post") due = true;
    else skipped[decision.reason] = (skipped[decision.reason] ?? 0) + 1;
  }
  return { due, skipped };
}

async function postForAccount(tx: Tx, actor: Actor, accountId: string, on: string) {
  // Two runs at once (a worker and /dev/clock) take turns per account: the cap reads what the other posted.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('late_fees'), hashtext(${accountId}))`);
  await setLedgerDate(tx, on);
  const { invoices: candidates, unpaidFees } = (await loadFeeFacts(tx, [accountId], on)).get(accountId)!;
  const posted: Array<PostedFee & { description: string }> = [];
  const skipped: Partial<Record<FeeSkipReason, number>> = {};
  const events: NewEvent[] = [];
  const audits: AuditEntry[] = [];

  for (const candidate of candidates) {
    const decision = decideLateFee({ ...candidate.facts, accountUnpaidFees: unpaidFees.get(candidate.currency) ?? 0 }, on);
    if (decision.action === "skip") {
      skipped[decision.reason] = (skipped[decision.reason] ?? 0) + 1;
      continue;
    }
    const policy = candidate.facts.policy!;
    const description =
      policy.kind === "percent"
        ? `Late fee: ${formatRate(policy.rateBps!)} of ${formatMoney(decision.basis, candidate.currency)} overdue on ${candidate.number} (period ${decision.period})`
        : `Late fee on ${candidate.number} (period ${decision.period})`;
    const fee = await insertFeeInvoice(tx, candidate, { accountId, on, period: decision.period, amount: decision.amount, description });
    // Another run posted this period first: nothing to do (the index said no).
    if (!fee) {
      skipped.period_posted = (skipped.period_posted ?? 0) + 1;
      continue;
    }
    unpaidFees.set(candidate.currency, (unpaidFees.get(candidate.currency) ?? 0) + decision.amount);
    const data = {
      invoiceId: fee.id,
      number: fee.number,
      parentInvoiceId: candidate.id,
      parentNumber: candidate.number,
      period: decision.period,
      amount: decision.amount,
      currency: candidate.currency,
      basis: decision.basis,
      policy: {
        id: candidate.policyId,
        kind: policy.kind,
        rateBps: policy.rateBps,
        fixedAmount: policy.fixedAmount,
        graceDays: policy.graceDays,
        capPerInvoice: policy.capPerInvoice,
        capPerAccount: policy.capPerAccount,
      },
    };
    events.push({ type: "invoice.late_fee_posted", accountId, subjectType: "invoice", subjectId: fee.id, data });
    audits.push({ ...auditActor(actor), action: "invoice.late_fee_posted", subjectType: "invoice", subjectId: fee.id, data: { ...data, uncapped: decision.uncapped, periodStart: decision.periodStart } });
    posted.push({ invoiceId: fee.id, number: fee.number, parentInvoiceId: candidate.id, parentNumber: candidate.number, period: decision.period, amount: decision.amount, currency: candidate.currency, description });
  }

  if (posted.length > 0) {
    await recordEvents(tx, events);
    await recordAudits(tx, audits);
    await emailBillingContacts(tx, accountId, posted);
  }
  return { posted: posted.map(({ description: _, ...fee }) => fee), skipped };
}

/**
 * Inserts the fee invoice and its one line; null when the period is already posted (the unique
 * index on (late_fee_for_invoice_id, late_fee_period) made the insert a no-op).
 */
async function insertFeeInvoice(tx: Tx, parent: LoadedFeeInvoice, fee: { accountId: string; on: string; period: number; amount: number; description: string }): Promise<{ id: string; number: string } | null> {
  const number = await freeNumber(tx, `${parent.number}-LF${fee.period}`);
  const id = newId("inv");
  const [row] = await tx
    .insert(invoices)
    .values({
      id,
      accountId: fee.accountId,
      number,
      currency: parent.currency,
      issueDate: fee.on,
      dueDate: fee.on,
      terms: "Due on receipt",
      netDays: 0,
      status: "open",
      subtotal: fee.amount,
      taxTotal: 0,
      total: fee.amount,
      memo: `Late fee for period ${fee.period} on invoice ${parent.number}, which is past its due date.`,
      lateFeeForInvoiceId: parent.id,
      lateFeePeriod: fee.period,
    })
    .onConflictDoNothing()
    .returning({ id: invoices.id, number: invoices.number });
  if (!row) return null;
  await tx.insert(invoiceLines).values({ invoiceId: row.id, position: 1, description: fee.description, quantity: "1", unitAmount: fee.amount, amount: fee.amount });
  return row;
}

/** `<parent>-LF<period>`, or with a suffix (-2, -3, …) when another invoice has that number. */
async function freeNumber(tx: Tx, wanted: string): Promise<string> {
  const candidates = [wanted, ...Array.from({ length: 20 }, (_, i) => `${wanted}-${i + 2}`)];
  const taken = new Set((await tx.select({ number: invoices.number }).from(invoices).where(inArray(invoices.number, candidates))).map((r) => r.number));
  return candidates.find((c) => !taken.has(c)) ?? `${wanted}-${newId("n").slice(-8)}`;
}

async function emailBillingContacts(tx: Tx, accountId: string, fees: Array<PostedFee & { description: string }>) {
  // A late fee is a new invoice: the account's recipients of invoices, in one email.
  const recipients = await accountRecipients(tx, accountId, "invoices");
  if (recipients.to.length === 0) return;
  const { cc, ...to } = addressOf(recipients);
  await queueEmail(tx, {
    ...(cc ? { cc } : {}),
    ...lateFeesPostedEmail({
      ...to,
      name: recipients.toName ?? "there",
      company: env().COMPANY_NAME,
      invoicesUrl: `${env().APP_URL}/invoices`,
      fees: fees.map((f) => ({ number: f.number, parentNumber: f.parentNumber, amount: f.amount, currency: f.currency, description: f.description })),
    }),
  });
}

