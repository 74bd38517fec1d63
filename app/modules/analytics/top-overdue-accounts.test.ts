/**
 * The top overdue accounts, read largest-AR-first with a stopping rule, equal the plain sum of the
 * whole book's ledger — in a book where the largest accounts are not the most overdue (the first
 * round cannot stop) and in one where they are (it can), with some rows not folded yet.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { today } from "~/utils/clock";
import { testData } from "../../../test/helpers";
import { foldReceivables } from "./fold-receivables.server";
import { topOverdueAccounts } from "./top-overdue-accounts.server";

async function plainTopOverdue(currency: string, asOf: string) {
  const rows = await db.execute<{ account_id: string; overdue: string }>(sql`
    select account_id, sum(amount)::text as overdue from receivable_entries
    where currency = ${currency} and measure = 'ar' and effective_on <= ${asOf}::date and bucket_on < ${asOf}::date
    group by account_id having sum(amount) > 0 order by sum(amount) desc, account_id limit 10`);
  return rows.map((r) => [r.account_id, Number(r.overdue)]);
}

async function book(currency: string, amounts: (i: number) => { overdue: number; current: number }) {
  const data = await testData();
  for (let i = 0; i < 120; i++) {
    const account = await data.account({ currency });
    const { overdue, current } = amounts(i);
    await data.invoices(account, [
      { total: overdue, dueInDays: -10 },
      { total: current, dueInDays: 20 },
    ]);
  }
  await foldReceivables();
  // One account's rows still waiting for the fold job: the largest overdue of all.
  const late = await data.account({ currency });
  await data.invoices(late, [{ total: 1_000_000, dueInDays: -5 }]);
}

describe("top overdue accounts", () => {
  it("are exact when the accounts owing most in all owe the least overdue", async () => {
    await book("SEK", (i) => ({ overdue: (i + 1) * 100, current: (120 - i) * 1_000 }));
    const read = await topOverdueAccounts({ currency: "SEK" }, today());
    expect(read.map((r) => [r.accountId, r.overdue])).toEqual(await plainTopOverdue("SEK", today()));
    expect(read.map((r) => r.overdue)).toEqual([1_000_000, ...[120, 119, 118, 117, 116, 115, 114, 113, 112].map((n) => n * 100)]);
  });

  it("are exact when the accounts owing most are also the most overdue", async () => {
    await book("NOK", (i) => ({ overdue: (i + 1) * 1_000, current: 100 }));
    const read = await topOverdueAccounts({ currency: "NOK" }, today());
    expect(read.map((r) => [r.accountId, r.overdue])).toEqual(await plainTopOverdue("NOK", today()));
    expect(read.map((r) => r.overdue)).toEqual([1_000_000, ...[120, 119, 118, 117, 116, 115, 114, 113, 112].map((n) => n * 1_000)]);
  });
});
