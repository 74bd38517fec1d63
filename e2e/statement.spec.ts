import type { Page } from "@playwright/test";
import { data, expect, sql, test } from "./support/fixtures";
import { parseCsv } from "./support/csv";

// The statement for a period, checked against the ledger in the database: opening and closing
// balances, adjacent periods, a bad date, and the CSV download. Expected numbers come from SQL.

const today = () => new Date().toISOString().slice(0, 10);
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** "USD 1,234.56" / "USD -1,234.56" → minor units. */
function minorOf(text: string): number {
  const match = /([A-Z]{3})\s*(-?[\d,]+\.\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Math.round(Number(match[2]!.replace(/,/g, "")) * 100);
}
/** "-1234.56" (the CSV's plain numbers) → minor units. */
const minorOfCsv = (text: string) => Math.round(Number(text) * 100);

async function balances(page: Page, from: string, to: string, currency = "USD") {
  await page.goto(`/statement?from=${from}&to=${to}`);
  await expect(page.getByRole("heading", { name: "Statement of account", level: 1 })).toBeVisible();
  return {
    opening: minorOf(await page.getByTestId(`opening-${currency}`).innerText()),
    closing: minorOf(await page.getByTestId(`closing-${currency}`).innerText()),
  };
}

test.describe("the statement for a period", () => {
  test("opening and closing balances match the ledger, adjacent periods chain, and the CSV carries every line", async ({ page, signInAs }) => {
    // Invoices issued before, within and after the earlier period, unpaid (a balance at D is then
    // what was issued before D), and one partly paid by card after the period.
    const northwind = await data.account();
    const { user } = await data.payer({ accounts: [northwind] });
    const [, , partlyPaid] = await data.invoices(northwind, [
      { issuedDaysAgo: 120, dueInDays: -90, total: 1_234_00 },
      { issuedDaysAgo: 75, dueInDays: -45, total: 310_50 },
      { issuedDaysAgo: 50, dueInDays: -20, total: 99_99 },
      { issuedDaysAgo: 10, dueInDays: 20, total: 45_00 },
    ]);
    await sql`update invoices set amount_paid = 4000 where id = ${partlyPaid!.id}`;
    await sql`insert into payments (id, account_id, created_by_user_id, amount, currency, status, method, method_label, succeeded_at)
      values (${`pay_stmt_${partlyPaid!.id}`}, ${northwind.id}, ${user.id}, 4000, 'USD', 'succeeded', 'card', 'Visa •••• 4242', now() - interval '5 days')`;
    await sql`insert into payment_allocations (payment_id, invoice_id, amount) values (${`pay_stmt_${partlyPaid!.id}`}, ${partlyPaid!.id}, 4000)`;
    await signInAs(user);
    const day = today();
    const d1 = addDays(day, -90);
    const d2 = addDays(day, -31);

    // Closing balance of a period ending today = the sum of the open balances.
    const [openRow] = await sql<{ open: string }[]>`select coalesce(sum(balance), 0)::text as open from invoices where account_id = ${northwind!.id} and currency = 'USD'`;
    const open = openRow!.open;
    const current = await balances(page, addDays(d2, 1), day);
    expect(current.closing).toBe(Number(open));

    // A balance at D is the open balance today of invoices issued before D, plus what card or bank
    // payments received on or after D took off them. Credits and offline payments would need the
    // same; this account has none.
    const [facts] = await sql<{ n: number }[]>`
      select (select count(*) from credit_memos where account_id = ${northwind!.id})
           + (select count(*) from events where account_id = ${northwind!.id} and type = 'payment.recorded_offline') as n`;
    expect(Number(facts!.n), "the account has no credits or offline payments").toBe(0);
    const owedBefore = async (d: string) =>
      Number(
        ((
          await sql<{ s: string }[]>`
            select (
              coalesce((select sum(balance) from invoices where account_id = ${northwind!.id} and currency = 'USD' and issue_date < ${d}), 0)
              + coalesce((select sum(pa.amount - pa.amount_refunded - pa.amount_charged_back) from payment_allocations pa
                  join payments p on p.id = pa.payment_id join invoices i on i.id = pa.invoice_id
                  where i.account_id = ${northwind!.id} and i.currency = 'USD' and i.issue_date < ${d}
                    and p.status = 'succeeded' and p.succeeded_at >= ${d}::date), 0)
            )::text as s`
        )[0]!).s,
      );
    const earlier = await balances(page, d1, d2);
    expect(earlier.opening).toBe(await owedBefore(d1));
    expect(earlier.closing).toBe(await owedBefore(addDays(d2, 1)));
    // opening(D2 + 1) = closing(D2).
    expect(current.opening).toBe(earlier.closing);

    // The CSV of the same period: opening, every line with its running balance, closing.
    await page.goto(`/statement?from=${d1}&to=${d2}`);
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toBe(`statement-${northwind.number}-${d1}-${d2}.csv`);
    const text = Buffer.concat((await (await csv.createReadStream()).toArray()) as Buffer[]).toString("utf8");
    const rows = parseCsv(text).filter((r) => r[0] === "USD");
    expect(rows[0]!.slice(0, 3)).toEqual(["USD", d1, "Opening balance"]);
    expect(minorOfCsv(rows[0]![6]!)).toBe(earlier.opening);
    expect(rows.at(-1)!.slice(0, 3)).toEqual(["USD", d2, "Closing balance"]);
    expect(minorOfCsv(rows.at(-1)![6]!)).toBe(earlier.closing);
    let running = earlier.opening;
    const lines = rows.slice(1, -1);
    for (const line of lines) {
      running += minorOfCsv(line[5]!);
      expect(minorOfCsv(line[6]!), `running balance on ${line.join(",")}`).toBe(running);
    }
    expect(running).toBe(earlier.closing);
    // Every invoice issued in the period is a line of its own.
    const [issued] = await sql<{ n: number }[]>`
      select count(*)::int as n from invoices where account_id = ${northwind!.id} and currency = 'USD' and issue_date between ${d1} and ${d2}`;
    expect(issued!.n).toBe(2);
    expect(lines.filter((l) => l[2] === "Invoice")).toHaveLength(issued!.n);
  });

  test("a date that does not exist is explained, with the default period shown", async ({ page, signInAs }) => {
    const { user, accounts } = await data.payer();
    await data.invoice(accounts[0]!);
    await signInAs(user);
    const response = await page.goto("/statement?from=2026-02-30&to=2026-03-31");
    expect(response!.status()).toBe(400);
    await expect(page.getByText('The start date "2026-02-30" is not a date: use YYYY-MM-DD')).toBeVisible();
    await expect(page.getByTestId("closing-USD")).toBeVisible();
    const csv = await page.request.get("/statement.csv?from=2026-03-10&to=2026-03-01");
    expect(csv.status()).toBe(400);
    expect(await csv.text()).toContain("is after the end date");
  });
});
