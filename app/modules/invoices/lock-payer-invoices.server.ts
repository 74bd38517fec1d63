import { and, inArray } from "drizzle-orm";
import { invoices, type Invoice } from "#db/schema/invoices";
import type { Tx } from "~/db.server";
import { inReadersAccount, payerScope } from "./scope.server";
import { hasNul } from "~/utils/nul";

/**
 * Locks the chosen invoices of one account for the rest of the transaction — only those the
 * payer is a contact of — in id order, so two payments or plans of overlapping invoices never
 * deadlock. Fewer rows than ids means one was not theirs (or does not exist).
 */
export async function lockPayerInvoices(tx: Tx, input: { ids: string[]; accountId: string; userId: string }): Promise<Invoice[]> {
  return tx
    .select()
    .from(invoices)
    .where(
      and(
        // U+0000 would fail the query (PostgreSQL text cannot hold it): such an id matches nothing.
        inArray(invoices.id, input.ids.filter((id) => !hasNul(id))),
        inReadersAccount(payerScope(input.userId), invoices.accountId, input.accountId),
      ),
    )
    .orderBy(invoices.id)
    .for("update");
}
