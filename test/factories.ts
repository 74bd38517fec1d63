/**
 * Test data each test makes for itself, instead of reading the demo seed: an account with its
 * payer, staff, and invoices in the states a test needs. Every name and number is unique, so
 * tests never share rows and do not depend on the order they run in.
 *
 * Works on any drizzle database over the portal's schema: vitest passes the app's `db`
 * (`factories(db)`), the Playwright specs a drizzle over their own postgres client.
 */
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "#db/schema/index";
import { newId } from "#db/schema/ids";
import { addDays } from "~/utils/dates";
import { now, today } from "~/utils/clock";

type Db = PostgresJsDatabase<typeof schema>;
type Account = typeof schema.accounts.$inferSelect;
type User = typeof schema.users.$inferSelect;
type Invoice = typeof schema.invoices.$inferSelect;

const unique = () => randomBytes(5).toString("hex").toUpperCase();

export interface InvoiceSpec {
  /** Total in minor units (default 100_00). */
  total?: number;
  /** Already paid, in minor units (default 0). */
  paid?: number;
  /** Days from today to the due date: negative is overdue (default +30). */
  dueInDays?: number;
  /** Days before today it was issued (default 30 before the due date, never after today). */
  issuedDaysAgo?: number;
  status?: "open" | "paid" | "void";
  number?: string;
  poNumber?: string | null;
  memo?: string | null;
  /** SKU of its one line (default none). */
  sku?: string | null;
}

export interface DisputeSpec {
  /** Who opened it (a payer of the invoice's account); none when omitted. */
  by?: User;
  /** Amount held, in minor units (default 10_00). */
  amount?: number;
  reason?: (typeof schema.disputes.$inferInsert)["reason"];
  status?: (typeof schema.disputes.$inferInsert)["status"];
  description?: string;
  /** Hours ago it was opened (default 1). */
  openedHoursAgo?: number;
  /** Hours from now the first response is due: negative is an SLA breach (default 48). */
  responseDueInHours?: number;
}

export function factories(db: Db) {
  /** A customer account (USD unless told) with a unique number and external id. */
  async function account(input: { name?: string; currency?: string; number?: string; billingEmail?: string | null } = {}): Promise<Account> {
    const id = unique();
    const [row] = await db
      .insert(schema.accounts)
      .values({ number: input.number ?? `T-${id}`, externalId: `EXT-${id}`, name: input.name ?? `Test Customer ${id}`, currency: input.currency ?? "USD", billingEmail: input.billingEmail === undefined ? `ap-${id.toLowerCase()}@customer.example` : input.billingEmail })
      .returning();
    return row!;
  }

  /**
   * A payer who is a contact of `accounts` (a new USD account when none is given); `reminders`
   * is how reminder emails reach them ("to" unless told: "cc", or "none").
   */
  async function payer(input: { accounts?: Account[]; email?: string; name?: string; reminders?: "to" | "cc" | "none" } = {}): Promise<{ user: User; accounts: Account[] }> {
    const owned = input.accounts ?? [await account()];
    const id = unique().toLowerCase();
    const [user] = await db.insert(schema.users).values({ email: input.email ?? `payer-${id}@customer.example`, name: input.name ?? `Payer ${id}`, role: "payer" }).returning();
    if (owned.length > 0) await db.insert(schema.accountContacts).values(owned.map((a) => ({ accountId: a.id, userId: user!.id, ...(input.reminders ? { reminders: input.reminders } : {}) })));
    return { user: user!, accounts: owned };
  }

  /** An AR agent (default) or admin. */
  async function staff(role: "ar_agent" | "ar_admin" = "ar_agent", input: { email?: string; name?: string } = {}): Promise<User> {
    const id = unique().toLowerCase();
    const [user] = await db.insert(schema.users).values({ email: input.email ?? `${role.replace("_", "-")}-${id}@supplier.example`, name: input.name ?? `${role === "ar_admin" ? "Admin" : "Agent"} ${id}`, role }).returning();
    return user!;
  }

  /** Invoices of `account`, one per spec, each with one line; open, due in 30 days, 100.00 unless told. */
  async function invoices(of: Account, specs: InvoiceSpec[]): Promise<Invoice[]> {
    const day = today();
    const rows = specs.map((s) => {
      const total = s.total ?? 100_00;
      const dueDate = addDays(day, s.dueInDays ?? 30);
      const issueDate = s.issuedDaysAgo !== undefined ? addDays(day, -s.issuedDaysAgo) : [addDays(dueDate, -30), day].sort()[0]!;
      const paid = s.paid ?? (s.status === "paid" ? total : 0);
      return {
        id: newId("inv"),
        accountId: of.id,
        externalId: `ERP-T-${unique()}`,
        number: s.number ?? `T-INV-${unique()}`,
        poNumber: s.poNumber === undefined ? `PO-${unique()}` : s.poNumber,
        currency: of.currency,
        issueDate,
        dueDate,
        terms: "Net 30",
        status: s.status ?? (paid >= total ? "paid" : "open"),
        subtotal: total,
        taxTotal: 0,
        total,
        amountPaid: paid,
        memo: s.memo ?? null,
      } satisfies typeof schema.invoices.$inferInsert;
    });
    if (rows.length === 0) return [];
    const inserted = await db.insert(schema.invoices).values(rows).returning();
    await db.insert(schema.invoiceLines).values(rows.map((r, i) => ({ invoiceId: r.id, position: 1, description: "Goods as ordered", sku: specs[i]!.sku ?? null, quantity: "1", unitAmount: r.subtotal, amount: r.subtotal })));
    // Return them in the order asked for.
    return rows.map((r) => inserted.find((i) => i.id === r.id)!);
  }

  /** One open invoice (a shorthand for `invoices(account, [spec])`). */
  async function invoice(of: Account, spec: InvoiceSpec = {}): Promise<Invoice> {
    return (await invoices(of, [spec]))[0]!;
  }

  /**
   * A dispute of `invoice` as a payer's would be (its amount held on the invoice, the payer's
   * opening message in the thread), open unless told.
   */
  async function dispute(of: Invoice, spec: DisputeSpec = {}): Promise<typeof schema.disputes.$inferSelect> {
    const amount = spec.amount ?? 10_00;
    const description = spec.description ?? "Two cartons arrived damaged.";
    const hour = 3_600_000;
    const openedAt = new Date(Date.now() - (spec.openedHoursAgo ?? 1) * hour);
    const status = spec.status ?? "open";
    // Only an active dispute holds its amount on the invoice.
    const holds = status === "open" || status === "in_review" || status === "waiting_on_customer";
    return db.transaction(async (tx) => {
      if (holds)
        await tx
          .update(schema.invoices)
          .set({ amountDisputed: sql`${schema.invoices.amountDisputed} + ${amount}` })
          .where(eq(schema.invoices.id, of.id));
      const [row] = await tx
        .insert(schema.disputes)
        .values({
          accountId: of.accountId,
          invoiceId: of.id,
          openedByUserId: spec.by?.id ?? null,
          reason: spec.reason ?? "damaged_goods",
          amount,
          currency: of.currency,
          description,
          status,
          closedAt: holds ? null : new Date(),
          firstResponseDueAt: new Date(Date.now() + (spec.responseDueInHours ?? 48) * hour),
          createdAt: openedAt,
          updatedAt: openedAt,
        })
        .returning();
      await tx.insert(schema.disputeMessages).values({ disputeId: row!.id, authorUserId: spec.by?.id ?? null, authorSide: "customer", visibility: "customer", kind: "message", body: description, createdAt: openedAt });
      return row!;
    });
  }


  /**
   * A paid invoice whose one portal payment succeeded `paidDaysAfterDue` days after its due date
   * (negative: early), the due date `dueDaysAgo` days ago (default 60).
   */
  async function paidInvoice(of: Account, spec: { total?: number; dueDaysAgo?: number; paidDaysAfterDue: number }): Promise<Invoice> {
    const total = spec.total ?? 100_00;
    const dueInDays = -(spec.dueDaysAgo ?? 60);
    const paidOn = addDays(addDays(today(), dueInDays), spec.paidDaysAfterDue);
    const paid = await invoice(of, { total, dueInDays, status: "paid" });
    const at = new Date(`${paidOn}T15:00:00Z`);
    const [payment] = await db.insert(schema.payments).values({ accountId: of.id, amount: total, currency: of.currency, status: "succeeded", method: "card", methodLabel: "Visa •••• 4242", createdAt: at, updatedAt: at, succeededAt: at }).returning();
    await db.insert(schema.paymentAllocations).values({ paymentId: payment!.id, invoiceId: paid.id, amount: total });
    return paid;
  }

  /** A promise to pay on `invoices` as the engine leaves it (open unless told; kept/broken are resolved now). */
  async function promise(of: Account, on: Invoice[], spec: { amount?: number; promisedFor?: string; status?: "open" | "kept" | "broken"; createdDaysAgo?: number } = {}) {
    const createdAt = new Date(Date.now() - (spec.createdDaysAgo ?? 0) * 86_400_000);
    const status = spec.status ?? "open";
    const [row] = await db
      .insert(schema.paymentPromises)
      .values({
        accountId: of.id,
        currency: of.currency,
        amount: spec.amount ?? on.reduce((sum, i) => sum + i.total, 0),
        promisedFor: spec.promisedFor ?? addDays(today(), 7),
        graceDays: 2,
        balanceAtPromise: on.reduce((sum, i) => sum + i.balance, 0),
        status,
        source: "staff",
        createdAt,
        resolvedAt: status === "open" ? null : new Date(),
      })
      .returning();
    await db.insert(schema.promiseInvoices).values(on.map((i) => ({ promiseId: row!.id, invoiceId: i.id })));
    return row!;
  }

  /** A collection task of `of` (a call due today, open, unless told). */
  async function collectionTask(of: Account, spec: { kind?: "call" | "broken_promise" | "follow_up"; dueInDays?: number; assignee?: User | null; title?: string } = {}) {
    const [row] = await db
      .insert(schema.collectionTasks)
      .values({ accountId: of.id, kind: spec.kind ?? "call", dueOn: addDays(today(), spec.dueInDays ?? 0), assigneeId: spec.assignee?.id ?? null, title: spec.title ?? "Call about overdue invoices" })
      .returning();
    return row!;
  }

  /**
   * A reminder's pay link for `invoices` of `account` (as the reminder engine makes them),
   * expiring in 30 days unless told (negative: already expired), revoked when asked. The URL's
   * token is `payLinkToken(row.id)` (app/modules/collections/pay-link-token.server.ts).
   */
  async function payLink(of: Account, named: Array<Pick<Invoice, "id">>, options: { expiresInDays?: number; revoked?: boolean } = {}): Promise<typeof schema.payLinks.$inferSelect> {
    const day = 86_400_000;
    const [row] = await db
      .insert(schema.payLinks)
      .values({ accountId: of.id, invoiceIds: named.map((i) => i.id), expiresAt: new Date(now().getTime() + (options.expiresInDays ?? 30) * day), revokedAt: options.revoked ? now() : null })
      .returning();
    return row!;
  }

  /** An account credit of `of` (a credit memo of 50.00 in the account's currency, nothing applied, unless told). */
  async function credit(of: Account, spec: { amount?: number; currency?: string; source?: "credit_memo" | "overpayment"; reason?: string; applied?: number } = {}): Promise<typeof schema.accountCredits.$inferSelect> {
    const [row] = await db
      .insert(schema.accountCredits)
      .values({ accountId: of.id, source: spec.source ?? "credit_memo", currency: spec.currency ?? of.currency, amount: spec.amount ?? 50_00, amountApplied: spec.applied ?? 0, reason: spec.reason ?? `Returned goods ${unique()}` })
      .returning();
    return row!;
  }

  return { account, payer, staff, invoices, invoice, dispute, paidInvoice, promise, collectionTask, payLink, credit };
}

export type Factories = ReturnType<typeof factories>;
