import { and, asc, eq, gt, inArray, isNull, notExists, sql } from "drizzle-orm";
import { paymentPromises, promiseInvoices } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { type Actor } from "~/modules/auth/actor";
import { invoiceScope } from "~/modules/invoices/scope.server";
import { today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { parseAmount } from "~/utils/money";
import { invalidField, notFound, type Problem } from "~/utils/problem";
import { createPromise } from "./create-promise.server";
import { getCollectionRules } from "./rules.server";

export interface PromisableInvoice {
  id: string;
  number: string;
  currency: string;
  dueDate: string;
  balance: number;
  /** What a promise may cover: the balance less what a dispute holds or a payment reserves. */
  promisable: number;
  overdue: boolean;
}

/**
 * The invoices of an account a promise to pay can name (open, with something to pay, not on a
 * plan, no open promise yet), oldest due first, and the date window the rules allow. The reader's
 * scope applies: a payer sees only their own account's.
 */
export async function promiseOptions(actor: Actor, accountId: string) {
  const day = today();
  const [rows, rules] = await Promise.all([
    db
      .select({ id: invoices.id, number: invoices.number, currency: invoices.currency, dueDate: invoices.dueDate, balance: invoices.balance, promisable: sql<number>`greatest(0, ${invoices.balance} - ${invoices.amountDisputed} - ${invoices.amountPending})::bigint` })
      .from(invoices)
      .where(
        and(
          eq(invoices.accountId, accountId),
          invoiceScope(actor),
          eq(invoices.status, "open"),
          gt(invoices.balance, 0),
          isNull(invoices.paymentPlanId),
          notExists(
            db
              .select({ one: sql`1` })
              .from(promiseInvoices)
              .innerJoin(paymentPromises, eq(paymentPromises.id, promiseInvoices.promiseId))
              .where(and(eq(promiseInvoices.invoiceId, invoices.id), eq(paymentPromises.status, "open"))),
          ),
        ),
      )
      .orderBy(asc(invoices.dueDate), asc(invoices.number))
      .limit(200),
    getCollectionRules(),
  ]);
  return {
    invoices: rows.map((r): PromisableInvoice => ({ ...r, promisable: Number(r.promisable), overdue: r.dueDate < day })).filter((r) => r.promisable > 0),
    earliest: day,
    latest: addDays(day, rules.promiseMaxDays),
    maxDays: rules.promiseMaxDays,
  };
}

/**
 * A promise from a form: the amount as typed, read in the chosen invoices' currency; left empty
 * it is everything they can be promised for. The rest is `createPromise`'s.
 */
export async function createPromiseFromForm(
  actor: Actor,
  input: { accountId: string; invoiceIds: string[]; amount: string | undefined; promisedFor: string; note?: string | null },
): Promise<{ promiseId: string } | Problem> {
  const chosen = await db
    .select({ currency: invoices.currency, promisable: sql<number>`greatest(0, ${invoices.balance} - ${invoices.amountDisputed} - ${invoices.amountPending})::bigint` })
    .from(invoices)
    .where(and(eq(invoices.accountId, input.accountId), invoiceScope(actor), inArray(invoices.id, input.invoiceIds.slice(0, 100))));
  if (chosen.length === 0) return notFound("Invoice not found.");
  const typed = input.amount?.trim() ?? "";
  let amount: number;
  if (typed === "") amount = chosen.reduce((sum, r) => sum + Number(r.promisable), 0);
  else {
    const parsed = parseAmount(typed, chosen[0]!.currency);
    if (parsed === null || parsed <= 0) return invalidField("amount", "Enter the amount you will pay, like 125.00.");
    amount = parsed;
  }
  return createPromise(actor, { accountId: input.accountId, invoiceIds: input.invoiceIds, amount, promisedFor: input.promisedFor, note: input.note ?? null });
}
