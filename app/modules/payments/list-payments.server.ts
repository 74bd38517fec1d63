import { and, count, desc, eq, gte, ilike, inArray, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, paymentMethodTypes, paymentStatuses, payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { inReadersAccount, payerScope } from "~/modules/invoices/scope.server";
import { isCalendarDate } from "~/utils/dates";
import { containsPattern } from "~/utils/like-pattern";
import type { Actor } from "~/modules/auth/actor";
import { forbidden, notFound } from "~/utils/problem";

export const PAYMENTS_PAGE_SIZE = 25;

// A filter date that is not a real day (2024-13-45, 2024-02-30) is ignored, as any unknown filter.
const isoDate = z.string().refine(isCalendarDate);
export const paymentListQuery = z.object({
  status: z.enum(paymentStatuses).optional().catch(undefined),
  method: z.enum(paymentMethodTypes).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  customer: z.string().trim().max(100).catch(""),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

/**
 * Payments, newest first: a payer's for one of their accounts (`accountId`, their active one;
 * the customer filter is staff's), or any for staff with filters. An API key or the system sees none here.
 */
export async function listPayments(actor: Actor, query: PaymentListQuery & { accountId?: string }) {
  if (actor.kind !== "payer" && actor.kind !== "staff") return forbidden("Payments are listed for payers and AR staff.");
  if (actor.kind === "payer" && !query.accountId) return notFound("Account not found.");
  const conditions: Array<SQL | undefined> = [
    actor.kind === "payer" ? inReadersAccount(payerScope(actor.userId), payments.accountId, query.accountId!) : undefined,
    query.status ? eq(payments.status, query.status) : undefined,
    query.method ? eq(payments.method, query.method) : undefined,
    // Day bounds in UTC, computed by PostgreSQL: the day after 9999-12-31 is no JavaScript date.
    query.from ? gte(payments.createdAt, sql`(${query.from}::date)::timestamp at time zone 'UTC'`) : undefined,
    query.to ? lt(payments.createdAt, sql`(${query.to}::date + 1)::timestamp at time zone 'UTC'`) : undefined,
    query.customer && actor.kind === "staff" ? ilike(accounts.name, containsPattern(query.customer)) : undefined,
  ];
  const where = and(...conditions);
  const [rows, [totals]] = await Promise.all([
    db
      .select({
        id: payments.id,
        createdAt: payments.createdAt,
        amount: payments.amount,
        amountRefunded: payments.amountRefunded,
        chargebackState: payments.chargebackState,
        currency: payments.currency,
        status: payments.status,
        method: payments.method,
        methodLabel: payments.methodLabel,
        accountId: payments.accountId,
        accountName: accounts.name,
      })
      .from(payments)
      .innerJoin(accounts, eq(accounts.id, payments.accountId))
      .where(where)
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(PAYMENTS_PAGE_SIZE)
      .offset((query.page - 1) * PAYMENTS_PAGE_SIZE),
    db.select({ total: count() }).from(payments).innerJoin(accounts, eq(accounts.id, payments.accountId)).where(where),
  ]);
  const ids = rows.map((r) => r.id);
  const lines = ids.length
    ? await db
        .select({ paymentId: paymentAllocations.paymentId, number: invoices.number })
        .from(paymentAllocations)
        .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
        .where(inArray(paymentAllocations.paymentId, ids))
        .orderBy(invoices.number)
    : [];
  const total = totals?.total ?? 0;
  return {
    rows: rows.map((r) => ({ ...r, invoiceNumbers: lines.filter((l) => l.paymentId === r.id).map((l) => l.number) })),
    total,
    page: query.page,
    pageCount: Math.max(1, Math.ceil(total / PAYMENTS_PAGE_SIZE)),
  };
}
