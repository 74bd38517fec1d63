import { sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { invoiceLines, invoices, type Invoice } from "#db/schema/invoices";
import { newId } from "#db/schema/ids";
import { db, type Executor } from "~/db.server";
import type { InvoiceOut } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { recordAudits } from "~/modules/audit/record-audit.server";
import { nudgeFanOut, recordEvents } from "~/modules/events/record-event.server";
import { bulkInsert, inJsonList } from "~/utils/bulk-insert.server";
import { toInvoiceOut } from "./invoice-view.server";
import { isProblem, type Problem } from "~/utils/problem";
import { customerDefaultTerms } from "./payment-terms-fields";
import { ingestRefusal, isUniqueViolation, refusableSync, type Ingested } from "./result";
import { createdAudit, createdEvent, numberTaken, prepareInvoice, unknownCustomer, upsertInvoice, type PreparedInvoice } from "./upsert-invoice.server";

type Item = { externalId: string | undefined; body: unknown };
type Candidate = { index: number; p: PreparedInvoice };
type Answer = Ingested<InvoiceOut> | Problem;

/**
 * A run of PUT /invoices items from POST /batch. Every item that creates a new invoice is written
 * in one transaction of set-based statements (locks, lookups, inserts, events, audit), so 500 new
 * invoices cost a handful of round trips and one commit instead of a dozen round trips each.
 * Anything else — an update of an existing invoice, an external id or number repeated within the
 * run, a race lost to a concurrent writer — goes through `upsertInvoice` one item at a time, in
 * order, so every item answers exactly as the single-item endpoint would.
 */
export async function upsertInvoicesInBulk(actor: Actor, items: Item[]): Promise<Answer[]> {
  const refused = ingestRefusal(actor, "invoices:write");
  if (refused) return items.map(() => refused);
  const results: Array<Answer | undefined> = new Array(items.length);
  const prepared: Candidate[] = [];
  items.forEach((item, index) => {
    const p = refusableSync(() => prepareInvoice(item.externalId, item.body));
    if (isProblem(p)) results[index] = p;
    else prepared.push({ index, p });
  });

  const once = (values: string[]) => {
    const seen = new Map<string, number>();
    for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
    return (v: string) => seen.get(v) === 1;
  };
  const idOnce = once(prepared.map((c) => c.p.externalId));
  const numberOnce = once(prepared.map((c) => c.p.body.number));
  const candidates = prepared.filter((c) => idOnce(c.p.externalId) && numberOnce(c.p.body.number));
  if (candidates.length > 1) {
    try {
      const created = await db.transaction((tx) => createNew(tx, actor, candidates));
      for (const [index, result] of created) results[index] = result;
      // After commit (see recordEvents); a crash before this line leaves it to the minute's sweep.
      if ([...created.values()].some((r) => !isProblem(r) && r.created)) await nudgeFanOut(db);
    } catch (error) {
      // A concurrent writer took an id or number between our checks and the insert: nothing of
      // the bulk statement was kept, so each item is retried on its own.
      if (!isUniqueViolation(error, "invoices_number_key") && !isUniqueViolation(error, "invoices_external_id_key")) throw error;
    }
  }

  for (let index = 0; index < items.length; index++) {
    if (results[index]) continue;
    const item = items[index]!;
    results[index] = await upsertInvoice(actor, { externalId: item.externalId, body: item.body });
  }
  return results as Answer[];
}

/** Creates the candidates whose external id is new; answers for those it settled (created or refused). */
async function createNew(tx: Executor, actor: Actor, candidates: Candidate[]): Promise<Map<number, Answer>> {
  const answers = new Map<number, Answer>();
  const externalIds = candidates.map((c) => c.p.externalId);
  // The same per-external-id locks as upsertInvoice, taken in one order so two batches cannot deadlock.
  await tx.execute(sql`select pg_advisory_xact_lock(h) from (
    select distinct hashtext('ingest:invoice:' || k) as h from jsonb_array_elements_text(${JSON.stringify(externalIds)}::jsonb) as k order by 1
  ) as locks`);
  const customerIds = [...new Set(candidates.map((c) => c.p.body.customer_external_id))];
  const accountRows = await tx
    .select({ id: accounts.id, externalId: accounts.externalId, defaultNetDays: accounts.defaultNetDays, defaultDiscountBps: accounts.defaultDiscountBps, defaultDiscountDays: accounts.defaultDiscountDays })
    .from(accounts)
    .where(inJsonList(accounts.externalId, customerIds));
  const accountOf = new Map(accountRows.map((a) => [a.externalId, a.id]));
  const defaultsOf = new Map(accountRows.map((a) => [a.id, customerDefaultTerms(a)]));
  const existing = new Set((await tx.select({ externalId: invoices.externalId }).from(invoices).where(inJsonList(invoices.externalId, externalIds))).map((r) => r.externalId));
  const numbers = candidates.map((c) => c.p.body.number);
  const taken = new Set((await tx.select({ number: invoices.number }).from(invoices).where(inJsonList(invoices.number, numbers))).map((r) => r.number));

  // Same order of checks as upsertInvoice: customer, then existing invoice (an update: left to it), then number.
  const creating: Array<Candidate & { accountId: string }> = [];
  for (const c of candidates) {
    const accountId = accountOf.get(c.p.body.customer_external_id);
    if (!accountId) answers.set(c.index, unknownCustomer(c.p.body.customer_external_id));
    else if (existing.has(c.p.externalId)) continue;
    else if (taken.has(c.p.body.number)) answers.set(c.index, numberTaken(c.p.body.number));
    else creating.push({ ...c, accountId });
  }
  if (creating.length === 0) return answers;

  const at = new Date();
  // Every row names the terms' columns (a bulk insert takes one column list): the customer's defaults unless the item has its own.
  // Object.assign rather than object spread: on Node 20 a spread followed by more properties
  // took ~15 µs an object (~8 ms a 500-invoice batch, measured), Object.assign under 1 µs.
  const stored = creating.map((c) =>
    Object.assign({}, defaultsOf.get(c.accountId)!, c.p.fields, { id: newId("inv"), externalId: c.p.externalId, accountId: c.accountId, currency: c.p.body.currency, status: c.p.total === 0 ? ("paid" as const) : ("open" as const), createdAt: at, updatedAt: at }),
  );
  await bulkInsert(tx, invoices, stored);
  await bulkInsert(tx, invoiceLines, creating.flatMap((c, i) => c.p.lines.map((l) => ({ ...l, invoiceId: stored[i]!.id }))));
  await recordEvents(tx, creating.map((c, i) => createdEvent(stored[i]!.id, c.accountId, c.p)), { nudge: "after-commit" });
  await recordAudits(tx, creating.map((c, i) => createdAudit(stored[i]!.id, actor, c.p)));
  creating.forEach((c, i) => {
    // A new invoice owes its whole total: nothing is paid, credited, held or void yet.
    const invoice: Invoice = Object.assign({}, stored[i]!, { amountPaid: 0, amountCredited: 0, amountDiscounted: 0, amountPending: 0, amountDisputed: 0, balance: stored[i]!.total, paymentPlanId: null, lateFeeForInvoiceId: null, lateFeePeriod: null });
    answers.set(c.index, { created: true, record: toInvoiceOut(invoice, c.p.body.customer_external_id, c.p.lines) });
  });
  return answers;
}
