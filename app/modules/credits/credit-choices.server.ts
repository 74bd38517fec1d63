import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { forbidden, type Problem } from "~/utils/problem";
import { openCredits, type OpenCredit } from "./open-credits.server";

export interface CreditChoices {
  credits: OpenCredit[];
  /** Open invoices that can take credit now (payable > 0), soonest due first. */
  invoices: Array<{ id: string; number: string; currency: string; dueDate: string; balance: number; payable: number }>;
}

/** What the Credits section of an account's admin page offers: its open credits and the invoices they can go on. */
export async function creditChoices(actor: Actor, accountId: string): Promise<CreditChoices | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can apply credits here.");
  const credits = await openCredits(db, accountId);
  if (credits.length === 0) return { credits, invoices: [] };
  // payableAmount (invoices/payable.ts) in SQL: open, not on a plan, balance less what is held.
  const payable = sql<number>`(${invoices.balance} - ${invoices.amountPending} - ${invoices.amountDisputed})::bigint`.mapWith(Number);
  const rows = await db
    .select({ id: invoices.id, number: invoices.number, currency: invoices.currency, dueDate: invoices.dueDate, balance: invoices.balance, payable })
    .from(invoices)
    .where(and(eq(invoices.accountId, accountId), eq(invoices.status, "open"), isNull(invoices.paymentPlanId), sql`${invoices.balance} - ${invoices.amountPending} - ${invoices.amountDisputed} > 0`))
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .limit(500);
  return { credits, invoices: rows };
}
