import { eq, sql } from "drizzle-orm";
import { today } from "~/utils/clock";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { invoices, type Invoice } from "#db/schema/invoices";
import type { Tx } from "~/db.server";

/**
 * Money that had paid an invoice goes back out (a refund settles, a chargeback withdraws funds):
 * its paid amount falls by `amount` and a paid invoice is open again. The caller holds the
 * invoice's row lock (invoices are locked in id order by every writer of balances).
 */
export async function takeBackPaid(tx: Tx, invoiceId: string, amount: number): Promise<{ id: string; number: string }> {
  await setLedgerDate(tx, today());
  const [invoice] = await tx
    .update(invoices)
    .set({
      amountPaid: sql`${invoices.amountPaid} - ${amount}`,
      status: sql`case when ${invoices.status} = 'paid' then 'open' else ${invoices.status} end`,
      updatedAt: sql`now()`,
    })
    .where(eq(invoices.id, invoiceId))
    .returning({ id: invoices.id, number: invoices.number });
  return invoice!;
}

/**
 * Money that had gone back out comes back (a refund failed, a chargeback's funds were reinstated):
 * up to `amount` is applied to the invoice again, only as far as its balance is still open (it
 * may have been paid or credited meanwhile), closing it when nothing is left. `locked` is the
 * invoice as read under its row lock. Returns what was applied, the rest being unapplied money,
 * and whether this closed the invoice.
 */
export async function restorePaid(tx: Tx, locked: Invoice, amount: number): Promise<{ applied: number; unapplied: number; closed: { id: string; number: string } | null }> {
  const room = Math.max(0, locked.total - locked.amountPaid - locked.amountCredited - locked.amountPending - locked.amountDisputed);
  const applied = Math.min(amount, room);
  await setLedgerDate(tx, today());
  const [updated] = await tx
    .update(invoices)
    .set({
      amountPaid: sql`${invoices.amountPaid} + ${applied}`,
      status: sql`case when ${invoices.status} = 'open' and ${invoices.total} - ${invoices.amountPaid} - ${applied} - ${invoices.amountCredited} <= 0 then 'paid' else ${invoices.status} end`,
      updatedAt: sql`now()`,
    })
    .where(eq(invoices.id, locked.id))
    .returning({ id: invoices.id, number: invoices.number, status: invoices.status });
  const closed = updated?.status === "paid" && locked.status !== "paid" ? { id: updated.id, number: updated.number } : null;
  return { applied, unapplied: amount - applied, closed };
}
