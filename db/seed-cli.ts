/**
 * `npx tsx db/seed-cli.ts` (or `npm run db:seed`): migrates the database, loads the demo data if
 * it is empty, and prints what is there.
 *
 * Uses DATABASE_URL when set; otherwise starts the embedded PostgreSQL the dev server uses
 * (data in .data/pg, port 54329, database "portal") and stops it again when done.
 * EMBEDDED_PG_PORT and EMBEDDED_PG_DIR override the embedded port and data folder, e.g. to
 * run beside a dev server that already holds them.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { today as clockToday } from "../app/utils/clock";
import { databaseForTools } from "../server/bootstrap";
import { migrateDatabase } from "./migrate";
import * as schema from "./schema/index";
import { demoUsers, seedDemoData } from "./seed";

interface SummaryRow {
  number: string;
  name: string;
  currency: string;
  invoices: number;
  paid: number;
  void: number;
  open_current: number;
  partially_paid: number;
  overdue: number;
  d1_30: number;
  d31_60: number;
  d61_90: number;
  d90_plus: number;
  open_balance: number;
}

async function summarize(client: postgres.Sql, today: string): Promise<void> {
  const rows = await client<SummaryRow[]>`
    select a.number, a.name, a.currency,
      count(i.id)::int as invoices,
      count(*) filter (where i.status = 'paid')::int as paid,
      count(*) filter (where i.status = 'void')::int as void,
      count(*) filter (where i.status = 'open' and i.due_date >= ${today}::date and i.amount_paid = 0)::int as open_current,
      count(*) filter (where i.status = 'open' and i.amount_paid > 0)::int as partially_paid,
      count(*) filter (where i.status = 'open' and i.due_date < ${today}::date)::int as overdue,
      count(*) filter (where i.status = 'open' and ${today}::date - i.due_date between 1 and 30)::int as d1_30,
      count(*) filter (where i.status = 'open' and ${today}::date - i.due_date between 31 and 60)::int as d31_60,
      count(*) filter (where i.status = 'open' and ${today}::date - i.due_date between 61 and 90)::int as d61_90,
      count(*) filter (where i.status = 'open' and ${today}::date - i.due_date > 90)::int as d90_plus,
      coalesce(sum(i.balance) filter (where i.status = 'open'), 0)::bigint as open_balance
    from accounts a
    left join invoices i on i.account_id = a.id
    group by a.id
    order by a.number`;
  const [people] = await client<{ users: number; contacts: number; lines: number }[]>`
    select (select count(*) from users)::int as users,
           (select count(*) from account_contacts)::int as contacts,
           (select count(*) from invoice_lines)::int as lines`;

  console.log(`\nInvoices by account and state (as of ${today}; partially paid counts open invoices with a payment, due or not):`);
  console.table(
    rows.map((r) => ({
      account: `${r.number} ${r.name}`,
      cur: r.currency,
      total: r.invoices,
      paid: r.paid,
      void: r.void,
      "open (not due)": r.open_current,
      "partly paid": r.partially_paid,
      overdue: r.overdue,
      "1-30": r.d1_30,
      "31-60": r.d31_60,
      "61-90": r.d61_90,
      "90+": r.d90_plus,
      "open balance": (Number(r.open_balance) / 100).toFixed(2),
    })),
  );
  const total = rows.reduce((s, r) => s + r.invoices, 0);
  console.log(`${rows.length} accounts, ${total} invoices, ${people?.lines ?? 0} invoice lines, ${people?.users ?? 0} users, ${people?.contacts ?? 0} account contacts.`);
  console.log(`Sign in as: ${Object.values(demoUsers).join(", ")}`);
}

async function main(): Promise<void> {
  const database = await databaseForTools(process.env, (line) => console.error(line));
  const url = database.url;

  try {
    await migrateDatabase(url);
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const db = drizzle(client, { schema, casing: "snake_case" });
      const today = clockToday();
      const { seeded } = await seedDemoData(db, { today });
      console.log(seeded ? "Seeded the demo data." : "The database already has accounts: nothing seeded.");
      await summarize(client, today);
    } finally {
      await client.end({ timeout: 5 });
    }
  } finally {
    await database.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
