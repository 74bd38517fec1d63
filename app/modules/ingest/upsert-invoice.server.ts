import { eq, and, ne, sql, asc } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { disputeLines } from "#db/schema/disputes";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { InvoiceInput, type InvoiceOut } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit, type AuditEntry } from "~/modules/audit/record-audit.server";
import { canonicalQuantity, invoiceView, lineAmount, lockInvoiceByExternalId } from "./invoice-view.server";
import { recordEvent, type NewEvent } from "~/modules/events/record-event.server";
import { conflict, invalid, type Problem } from "~/utils/problem";
import { customerDefaultTerms, storedTerms } from "./payment-terms-fields";
import { BODY_INVALID, checkExternalId, ingestAudit, ingestRefusal, isUniqueViolation, parseBody, refusable, refuse, type Ingested } from "./result";

/** Fields a locked invoice (payments or an open dispute against it) can no longer change. */
const FINANCIAL_FIELDS = ["number", "issueDate", "taxLabel", "taxTotal", "lines", "discountBps", "discountDays"] as const;

/**
 * PUT /invoices/{externalId}: creates or updates the invoice. The server computes line amounts,
 * subtotal and total. Nothing changed → no write, no event.
 */
export async function upsertInvoice(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<InvoiceOut> | Problem> {
  return ingestRefusal(actor, "invoices:write") ?? refusable(() => upsert(actor, prepareInvoice(input.externalId, input.body)));
}

async function upsert(actor: Actor, prepared: PreparedInvoice): Promise<Ingested<InvoiceOut>> {
  const { externalId, body, lines, total, fields } = prepared;

  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ingest:invoice:${externalId}`}))`);
      const [account] = await tx
        .select({ id: accounts.id, defaultNetDays: accounts.defaultNetDays, defaultDiscountBps: accounts.defaultDiscountBps, defaultDiscountDays: accounts.defaultDiscountDays })
        .from(accounts)
        .where(eq(accounts.externalId, body.customer_external_id));
      if (!account) refuse(unknownCustomer(body.customer_external_id));
      const existing = await lockInvoiceByExternalId(tx, externalId);
      const [numberOwner] = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(existing ? and(eq(invoices.number, body.number), ne(invoices.id, existing.id)) : eq(invoices.number, body.number));
      if (numberOwner) refuse(numberTaken(body.number));

      if (!existing) {
        const [row] = await tx
          .insert(invoices)
          .values({ ...customerDefaultTerms(account), ...fields, externalId, accountId: account.id, currency: body.currency, status: total === 0 ? "paid" : "open" })
          .returning({ id: invoices.id });
        await tx.insert(invoiceLines).values(lines.map((l) => ({ ...l, invoiceId: row!.id })));
        await recordEvent(tx, createdEvent(row!.id, account.id, prepared));
        await recordAudit(tx, createdAudit(row!.id, actor, prepared));
        return { created: true, record: await invoiceView(tx, row!.id) };
      }

      if (existing.status === "void") refuse(conflict(`Invoice ${existing.number} is void and cannot be edited.`, { code: "invoice_void" }));
      if (existing.accountId !== account.id) refuse(conflict("An invoice cannot move to another customer.", { code: "immutable_field", fields: { customer_external_id: "Cannot change." } }));
      if (existing.currency !== body.currency) refuse(conflict(`The invoice's currency (${existing.currency}) cannot change.`, { code: "immutable_field", fields: { currency: "Cannot change." } }));

      const currentLines = await tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, existing.id)).orderBy(asc(invoiceLines.position));
      const linesKey = (ls: Array<{ description: string; sku: string | null; quantity: string; unitAmount: number }>) => JSON.stringify(ls.map((l) => [l.description, l.sku, canonicalQuantity(l.quantity), l.unitAmount]));
      const changed: string[] = [];
      for (const [k, v] of Object.entries(fields)) if (existing[k as keyof typeof fields] !== v) changed.push(k);
      const linesChanged = linesKey(currentLines) !== linesKey(lines);
      if (linesChanged) changed.push("lines");
      if (changed.length === 0) return { created: false, record: await invoiceView(tx, existing.id) };

      const financialChanges = changed.filter((c) => (FINANCIAL_FIELDS as readonly string[]).includes(c));
      if (financialChanges.length > 0 && (existing.amountPaid > 0 || existing.amountPending > 0 || existing.amountDisputed > 0)) {
        refuse(
          conflict("This invoice has payments or an open dispute: its number, dates of issue, lines, tax and early-payment discount can no longer change (memo, PO number, terms label, net days and due date still can).", {
            code: "invoice_locked",
            fields: Object.fromEntries(financialChanges.map((path) => [apiFieldOf(path), "Locked."])),
          }),
        );
      }
      const settled = existing.amountPaid + existing.amountCredited + existing.amountPending + existing.amountDisputed;
      if (total < settled) refuse(conflict(`The new total ${total} is below what is already paid, credited or held (${settled}).`, { code: "total_below_settled", fields: { lines: "Total too low." } }));
      if (linesChanged) {
        const [referenced] = await tx.select({ id: disputeLines.invoiceLineId }).from(disputeLines).innerJoin(invoiceLines, eq(invoiceLines.id, disputeLines.invoiceLineId)).where(eq(invoiceLines.invoiceId, existing.id)).limit(1);
        if (referenced) refuse(conflict("A dispute refers to this invoice's lines: they can no longer change.", { code: "invoice_locked", fields: { lines: "Locked." } }));
      }

      const status = total - existing.amountPaid - existing.amountCredited <= 0 ? "paid" : "open";
      await tx.update(invoices).set({ ...fields, status, updatedAt: sql`now()` }).where(eq(invoices.id, existing.id));
      if (linesChanged) {
        await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, existing.id));
        await tx.insert(invoiceLines).values(lines.map((l) => ({ ...l, invoiceId: existing.id })));
      }
      await recordEvent(tx, { type: "invoice.upserted", accountId: existing.accountId, subjectType: "invoice", subjectId: existing.id, data: { externalId, number: body.number, created: false, changed, total, currency: existing.currency } });
      if (status !== existing.status) {
        await recordEvent(tx, { type: status === "paid" ? "invoice.paid" : "invoice.reopened", accountId: existing.accountId, subjectType: "invoice", subjectId: existing.id, data: { number: body.number } });
      }
      const { by, ...who } = ingestAudit(actor);
      await recordAudit(tx, { ...who, action: "invoice.updated", subjectType: "invoice", subjectId: existing.id, data: { ...by, externalId, changed, total } });
      return { created: false, record: await invoiceView(tx, existing.id) };
    });
  } catch (error) {
    if (isUniqueViolation(error, "invoices_number_key")) refuse(numberTaken(body.number));
    throw error;
  }
}

export type PreparedInvoice = ReturnType<typeof prepareInvoice>;

/**
 * Checks a PUT /invoices body on its own (no database) and computes what the server owns: line
 * amounts, subtotal and total. Refuses (`refuse`: call it inside `refusable`) with one field per problem.
 */
export function prepareInvoice(rawExternalId: string | undefined, rawBody: unknown) {
  const externalId = checkExternalId(rawExternalId);
  const body = parseBody(InvoiceInput, rawBody);
  const lines = body.lines.map((l, position) => ({ position, description: l.description, sku: l.sku ?? null, quantity: canonicalQuantity(l.quantity), unitAmount: l.unit_amount, amount: lineAmount(l.quantity, l.unit_amount) }));
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const total = subtotal + body.tax_total;
  const problems: Record<string, string> = {};
  lines.forEach((l, i) => {
    if (!Number.isSafeInteger(l.amount)) problems[`lines.${i}.amount`] = "quantity × unit_amount is too large.";
  });
  if (!Number.isSafeInteger(total)) problems.tax_total = "The total is too large.";
  else if (subtotal < 0) problems.lines = "The lines may not add up to less than zero.";
  if (body.due_date < body.issue_date) problems.due_date = "The due date cannot be before the issue date.";
  if (Object.keys(problems).length > 0) refuse(invalid(BODY_INVALID, { code: "invalid_request", fields: problems }));
  const fields = {
    number: body.number,
    poNumber: body.po_number ?? null,
    issueDate: body.issue_date,
    dueDate: body.due_date,
    terms: body.terms,
    taxLabel: body.tax_label ?? null,
    taxTotal: body.tax_total,
    subtotal,
    total,
    memo: body.memo ?? null,
    // Omitted terms: a new invoice takes the customer's defaults (in the insert), an update keeps its own.
    ...(body.payment_terms === undefined ? {} : storedTerms(body.payment_terms)),
  };
  return { externalId, body, lines, subtotal, total, fields };
}

/** The discount's fields named as in the request body (the older fields keep the names they always answered with). */
function apiFieldOf(field: string): string {
  if (field === "discountBps") return "payment_terms.discount_percent";
  if (field === "discountDays") return "payment_terms.discount_days";
  return field;
}

export function unknownCustomer(customerExternalId: string): Problem {
  return invalid(`No customer has external id ${customerExternalId}. PUT /customers/${customerExternalId} first.`, { code: "unknown_customer", fields: { customer_external_id: "Unknown customer." } });
}

export function numberTaken(number: string): Problem {
  return conflict(`Another invoice already has number ${number}.`, { code: "number_taken" });
}

/** The event and audit row of a created invoice (shared with the batch path so both say the same). */
export function createdEvent(invoiceId: string, accountId: string, p: PreparedInvoice): NewEvent {
  return { type: "invoice.upserted", accountId, subjectType: "invoice", subjectId: invoiceId, data: { externalId: p.externalId, number: p.body.number, created: true, changed: ["created"], total: p.total, currency: p.body.currency } };
}

export function createdAudit(invoiceId: string, actor: Actor, p: PreparedInvoice): AuditEntry {
  const { by, ...who } = ingestAudit(actor);
  // Object.assign, not spread: called once per invoice of a batch (see upsert-invoices-in-bulk).
  return Object.assign({}, who, { action: "invoice.created", subjectType: "invoice", subjectId: invoiceId, data: Object.assign({}, by, { externalId: p.externalId, total: p.total }) });
}
