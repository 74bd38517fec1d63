import { sql } from "drizzle-orm";
import type { Tx } from "~/db.server";

/**
 * The date the balance changes this transaction makes take effect in the receivables ledger (a
 * payment's received date, the portal's today): the ledger triggers read it (migration 0016).
 * Without it they use the database's date, which differs from the portal's when tests or
 * /dev/clock move the portal's clock. Transaction-local.
 */
export async function setLedgerDate(tx: Tx, date: string): Promise<void> {
  await tx.execute(sql`select set_config('eipp.ledger_on', ${date}, true)`);
}
