/**
 * Demo data for development and end-to-end tests: four customer accounts (USD and CAD), their
 * payer contacts, AR staff, and ~90 invoices in every state (paid, partially paid, open, overdue
 * in each aging bucket, void).
 *
 * Deterministic: every amount, line, number and PO comes from a seeded PRNG, and every date is an
 * offset from `today`, so a re-seed on any day yields the same data and the same states.
 */
import { sql } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { addDays } from "../app/utils/dates";
import { today as clockToday } from "../app/utils/clock";
import * as schema from "./schema/index";
import { newId } from "./schema/ids";

export const demoUsers = {
  payerTwoAccounts: "pat@northwind.example",
  payer: "olivia@globex.example",
  payerThird: "sam@initech.example",
  agent: "agent@acme.example",
  admin: "admin@acme.example",
} as const;

/** The invoice end-to-end tests rely on: Northwind Traders, open and overdue, 3+ lines. */
export const demoInvoice = { number: "INV-10001", poNumber: "PO-4521", accountNumber: "C-1001" } as const;

type Db = PostgresJsDatabase<typeof schema>;
type NewInvoice = typeof schema.invoices.$inferInsert;
type NewInvoiceLine = typeof schema.invoiceLines.$inferInsert;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny, well-distributed 32-bit PRNG. Same seed, same sequence, every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const sum = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * sum;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error("weighted pick from an empty list");
    return last[0];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

const SEED = 0xe1bb2025;

// ---------------------------------------------------------------------------------------------
// Catalog (prices in USD cents; CAD prices are converted per account)
// ---------------------------------------------------------------------------------------------

export type Category = "packaging" | "foodservice" | "janitorial" | "mro" | "office";

export interface CatalogItem {
  sku: string;
  description: string;
  category: Category;
  /** Unit price in USD minor units. */
  price: number;
  /** Counted items have whole quantities; measured ones (per ft, lb, gal) fractional ones. */
  qty: { kind: "count"; choices: readonly number[] } | { kind: "measure"; min: number; max: number; step: number };
}

const cases = [1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 12, 15, 20, 24] as const;
const fewCases = [1, 1, 2, 2, 3, 4, 5, 6] as const;

export const catalog: readonly CatalogItem[] = [
  { sku: "PKG-1040", description: "Corrugated shipping boxes 12×12×12 in, 32 ECT (bundle of 25)", category: "packaging", price: 3895, qty: { kind: "count", choices: cases } },
  { sku: "PKG-1120", description: "Stretch wrap film 18 in × 1500 ft, 80 gauge (roll)", category: "packaging", price: 2450, qty: { kind: "count", choices: cases } },
  { sku: "PKG-1205", description: "Kraft packing paper 30 lb, 36 in roll", category: "packaging", price: 6420, qty: { kind: "count", choices: fewCases } },
  { sku: "PKG-1310", description: "Poly mailers 10×13 in (case of 500)", category: "packaging", price: 7899, qty: { kind: "count", choices: fewCases } },
  { sku: "PKG-1402", description: "Packing tape 2 in × 110 yd, clear (case of 36)", category: "packaging", price: 8640, qty: { kind: "count", choices: fewCases } },
  { sku: "PKG-1550", description: "Bubble cushioning 3/16 in × 24 in, per linear foot", category: "packaging", price: 37, qty: { kind: "measure", min: 100_000, max: 750_000, step: 500 } },
  { sku: "PKG-1610", description: "Void-fill packing peanuts, per cubic foot", category: "packaging", price: 189, qty: { kind: "measure", min: 10_000, max: 120_000, step: 250 } },
  { sku: "FSV-5010", description: "Deli containers 32 oz with lids (case of 240)", category: "foodservice", price: 6850, qty: { kind: "count", choices: cases } },
  { sku: "FSV-5075", description: "Aluminum foil roll 18 in × 1000 ft", category: "foodservice", price: 5420, qty: { kind: "count", choices: fewCases } },
  { sku: "FSV-5120", description: "Kraft take-out boxes #8 (case of 300)", category: "foodservice", price: 7490, qty: { kind: "count", choices: cases } },
  { sku: "FSV-5160", description: "Compostable hot cups 12 oz (case of 1000)", category: "foodservice", price: 8825, qty: { kind: "count", choices: fewCases } },
  { sku: "FSV-5210", description: "Canola frying oil, per gallon", category: "foodservice", price: 1385, qty: { kind: "measure", min: 5_000, max: 70_000, step: 250 } },
  { sku: "JAN-2010", description: "Nitrile gloves, powder-free, size L (case of 1000)", category: "janitorial", price: 6275, qty: { kind: "count", choices: fewCases } },
  { sku: "JAN-2044", description: "Multi-surface cleaner concentrate, per gallon", category: "janitorial", price: 1495, qty: { kind: "measure", min: 2_500, max: 55_000, step: 250 } },
  { sku: "JAN-2100", description: "Can liners 40–45 gal, 1.5 mil (case of 100)", category: "janitorial", price: 4150, qty: { kind: "count", choices: cases } },
  { sku: "JAN-2150", description: "Foaming hand soap refill 1000 mL (case of 6)", category: "janitorial", price: 5388, qty: { kind: "count", choices: fewCases } },
  { sku: "JAN-2210", description: "Multifold paper towels (case of 4000)", category: "janitorial", price: 4799, qty: { kind: "count", choices: cases } },
  { sku: "JAN-2260", description: "High-gloss floor finish, per gallon", category: "janitorial", price: 2290, qty: { kind: "measure", min: 2_500, max: 20_000, step: 500 } },
  { sku: "MRO-3005", description: "Hex bolts Grade 8, 1/2-13 × 2 in, zinc (box of 50)", category: "mro", price: 3612, qty: { kind: "count", choices: cases } },
  { sku: "MRO-3120", description: "Hydraulic oil AW 46, per gallon", category: "mro", price: 1875, qty: { kind: "measure", min: 5_000, max: 55_000, step: 250 } },
  { sku: "MRO-3180", description: "Safety glasses, clear anti-fog (box of 12)", category: "mro", price: 4260, qty: { kind: "count", choices: fewCases } },
  { sku: "MRO-3240", description: "Cut-resistant gloves ANSI A4 (pack of 12 pairs)", category: "mro", price: 9720, qty: { kind: "count", choices: fewCases } },
  { sku: "MRO-3301", description: "Galvanized steel wire rope 3/8 in, per foot", category: "mro", price: 142, qty: { kind: "measure", min: 50_000, max: 500_000, step: 500 } },
  { sku: "MRO-3355", description: "Lithium grease NLGI 2, per lb", category: "mro", price: 648, qty: { kind: "measure", min: 2_000, max: 45_000, step: 1 } },
  { sku: "MRO-3410", description: "Abrasive cut-off wheels 4.5 in (box of 25)", category: "mro", price: 3390, qty: { kind: "count", choices: cases } },
  { sku: "MRO-3475", description: "Copper tubing Type L 1/2 in, per foot", category: "mro", price: 389, qty: { kind: "measure", min: 20_000, max: 240_000, step: 500 } },
  { sku: "OFF-4010", description: "Copy paper 8.5×11 in, 20 lb (case of 10 reams)", category: "office", price: 5299, qty: { kind: "count", choices: cases } },
  { sku: "OFF-4055", description: "Toner cartridge, high yield, black", category: "office", price: 18950, qty: { kind: "count", choices: fewCases } },
  { sku: "OFF-4120", description: "Coffee, medium roast whole bean, per lb", category: "office", price: 1149, qty: { kind: "measure", min: 2_000, max: 30_000, step: 1 } },
  { sku: "OFF-4190", description: "Bottled water 16.9 oz (case of 24)", category: "office", price: 699, qty: { kind: "count", choices: [10, 12, 20, 24, 30, 40, 48] } },
  { sku: "OFF-4230", description: "File folders, letter, 1/3 cut (box of 100)", category: "office", price: 2149, qty: { kind: "count", choices: fewCases } },
  { sku: "OFF-4300", description: "Ergonomic mesh task chair", category: "office", price: 24900, qty: { kind: "count", choices: [1, 1, 2, 4] } },
];

// ---------------------------------------------------------------------------------------------
// Accounts, people, and the mix of invoice states per account
// ---------------------------------------------------------------------------------------------

type Slot =
  | { kind: "paid" }
  | { kind: "void" }
  | { kind: "current"; partial: boolean }
  | { kind: "overdue"; minDays: number; maxDays: number; partial: boolean }
  | { kind: "demo" };

interface AccountPlan {
  number: string;
  externalId: string;
  name: string;
  billingEmail: string;
  currency: "USD" | "CAD";
  /** Tax in basis points (825 = 8.25%) and the label printed on the invoice. */
  taxBp: number;
  taxLabel: string;
  /** USD price → account currency price (CAD list prices). */
  priceFactor: number;
  categories: readonly Category[];
  /** Invoice mix: counts of current, partially paid, overdue per aging bucket, paid, void. */
  mix: {
    current: number;
    currentPartial: number;
    /** [1–30, 31–60, 61–90, 90+] days past due. */
    overdue: readonly [number, number, number, number];
    /** How many overdue invoices are partly paid (at most one per bucket, youngest bucket first). */
    overduePartial: number;
    paid: number;
    void: number;
  };
}

const accountPlans: readonly AccountPlan[] = [
  {
    number: "C-1001",
    externalId: "ERP-1001",
    name: "Northwind Traders",
    billingEmail: "ap@northwind.example",
    currency: "USD",
    taxBp: 825,
    taxLabel: "Sales tax 8.25%",
    priceFactor: 1,
    categories: ["packaging", "foodservice", "janitorial"],
    // 40 invoices, one of them the demo invoice (counted in the 90+ bucket).
    mix: { current: 5, currentPartial: 2, overdue: [3, 2, 2, 2], overduePartial: 3, paid: 21, void: 2 },
  },
  {
    number: "C-1002",
    externalId: "ERP-1002",
    name: "Northwind Traders Canada",
    billingEmail: "ap-canada@northwind.example",
    currency: "CAD",
    taxBp: 500,
    taxLabel: "GST 5%",
    priceFactor: 1.37,
    categories: ["packaging", "foodservice", "janitorial"],
    mix: { current: 2, currentPartial: 1, overdue: [2, 1, 1, 1], overduePartial: 1, paid: 6, void: 1 },
  },
  {
    number: "C-1003",
    externalId: "ERP-1003",
    name: "Globex Corporation",
    billingEmail: "accounts.payable@globex.example",
    currency: "USD",
    taxBp: 825,
    taxLabel: "Sales tax 8.25%",
    priceFactor: 1,
    categories: ["mro", "janitorial", "packaging"],
    mix: { current: 4, currentPartial: 1, overdue: [2, 2, 1, 1], overduePartial: 1, paid: 13, void: 1 },
  },
  {
    number: "C-1004",
    externalId: "ERP-1004",
    name: "Initech LLC",
    billingEmail: "ap@initech.example",
    currency: "USD",
    taxBp: 625,
    taxLabel: "Sales tax 6.25%",
    priceFactor: 1,
    categories: ["office", "janitorial"],
    mix: { current: 2, currentPartial: 1, overdue: [1, 1, 1, 1], overduePartial: 1, paid: 4, void: 1 },
  },
];

const people: readonly { email: string; name: string; role: schema.UserRole; contactOf: readonly { account: string; title: string }[] }[] = [
  {
    email: demoUsers.payerTwoAccounts,
    name: "Pat Payer",
    role: "payer",
    contactOf: [
      { account: "C-1001", title: "Accounts Payable Manager" },
      { account: "C-1002", title: "Accounts Payable Manager" },
    ],
  },
  { email: demoUsers.payer, name: "Olivia Ortiz", role: "payer", contactOf: [{ account: "C-1003", title: "AP Specialist" }] },
  { email: "gus@globex.example", name: "Gus Grant", role: "payer", contactOf: [{ account: "C-1003", title: "Controller" }] },
  { email: demoUsers.payerThird, name: "Sam Lee", role: "payer", contactOf: [{ account: "C-1004", title: "Office Manager" }] },
  { email: demoUsers.agent, name: "Avery Agent", role: "ar_agent", contactOf: [] },
  { email: demoUsers.admin, name: "Alex Admin", role: "ar_admin", contactOf: [] },
];

const termsDays = { "Due on receipt": 0, "Net 15": 15, "Net 30": 30, "Net 45": 45 } as const;
type Terms = keyof typeof termsDays;
const termsWeights: readonly (readonly [Terms, number])[] = [
  ["Net 30", 70],
  ["Net 15", 10],
  ["Net 45", 10],
  ["Due on receipt", 10],
];

const memos = [
  "Thank you for your business.",
  "Partial shipment — the balance of the order follows on a separate invoice.",
  "Pricing per the 2025 supply agreement.",
  "Delivered to dock 4; signed for by receiving.",
  "Please reference the invoice number on your remittance.",
  "Backordered items will ship and bill separately.",
];

// Issue dates span the last ~14 months; the demo invoice is the oldest of them all.
const DEMO_ISSUED_DAYS_AGO = 420;
const OLDEST_OTHER_DAYS_AGO = 410;

// ---------------------------------------------------------------------------------------------
// Generation (pure: no database, no clock)
// ---------------------------------------------------------------------------------------------

interface DraftLine {
  description: string;
  sku: string;
  quantity: string;
  unitAmount: number;
  amount: number;
}

interface DraftInvoice {
  accountIndex: number;
  slot: Slot;
  order: number;
  issueDate: string;
  dueDate: string;
  terms: Terms;
  lines: DraftLine[];
  subtotal: number;
  taxTotal: number;
  total: number;
  status: "open" | "paid" | "void";
  amountPaid: number;
  poNumber: string | null;
  memo: string | null;
}

function formatQuantity(milli: number): string {
  return `${Math.floor(milli / 1000)}.${String(milli % 1000).padStart(3, "0")}`;
}

function makeLines(rng: Rng, plan: AccountPlan, minLines: number): DraftLine[] {
  const items = rng.shuffle(catalog.filter((c) => plan.categories.includes(c.category)));
  const count = Math.max(minLines, rng.weighted<number>([[1, 8], [2, 16], [3, 20], [4, 18], [5, 14], [6, 10], [7, 7], [8, 7]]));
  return items.slice(0, Math.min(count, items.length)).map((item) => {
    const qtyMilli =
      item.qty.kind === "count"
        ? rng.pick(item.qty.choices) * 1000
        : item.qty.min + rng.int(0, Math.floor((item.qty.max - item.qty.min) / item.qty.step)) * item.qty.step;
    const unitAmount = Math.round(item.price * plan.priceFactor);
    // quantity × unit price, rounded half up to whole minor units (exact integer arithmetic).
    const amount = Math.round((qtyMilli * unitAmount) / 1000);
    return { description: item.description, sku: item.sku, quantity: formatQuantity(qtyMilli), unitAmount, amount };
  });
}

function slotsFor(plan: AccountPlan, withDemo: boolean): Slot[] {
  const m = plan.mix;
  const slots: Slot[] = [];
  if (withDemo) slots.push({ kind: "demo" });
  const buckets: readonly [number, number][] = [
    [2, 28],
    [33, 58],
    [63, 88],
    [95, 240],
  ];
  let partialLeft = m.overduePartial;
  buckets.forEach(([minDays, maxDays], b) => {
    const n = m.overdue[b] ?? 0;
    for (let i = 0; i < n; i++) {
      const partial = partialLeft > 0 && i === 0;
      if (partial) partialLeft--;
      slots.push({ kind: "overdue", minDays, maxDays, partial });
    }
  });
  for (let i = 0; i < m.current; i++) slots.push({ kind: "current", partial: false });
  for (let i = 0; i < m.currentPartial; i++) slots.push({ kind: "current", partial: true });
  for (let i = 0; i < m.paid; i++) slots.push({ kind: "paid" });
  for (let i = 0; i < m.void; i++) slots.push({ kind: "void" });
  return slots;
}

function partialAmount(rng: Rng, total: number): number {
  // Payers pay round amounts: a whole number of currency units, 20–75% of the total.
  const paid = Math.round((total * (0.2 + rng.float() * 0.55)) / 100) * 100;
  return paid > 0 && paid < total ? paid : Math.floor(total / 2);
}

/** Builds every invoice of the demo, numbered INV-10001… in issue-date order. */
export function buildDemoInvoices(today: string): (DraftInvoice & { number: string })[] {
  const rng = new Rng(SEED);
  const usedPos = new Set<number>([4521]);
  const drafts: DraftInvoice[] = [];
  let order = 0;

  accountPlans.forEach((plan, accountIndex) => {
    for (const slot of slotsFor(plan, accountIndex === 0)) {
      let terms: Terms = rng.weighted(termsWeights);
      let issueDate: string;
      let dueDate: string;
      let status: DraftInvoice["status"] = "open";
      let partial = false;

      switch (slot.kind) {
        case "demo":
          terms = "Net 30";
          issueDate = addDays(today, -DEMO_ISSUED_DAYS_AGO);
          dueDate = addDays(issueDate, termsDays[terms]);
          break;
        case "overdue": {
          const daysPastDue = rng.int(slot.minDays, slot.maxDays);
          dueDate = addDays(today, -daysPastDue);
          issueDate = addDays(dueDate, -termsDays[terms]);
          partial = slot.partial;
          break;
        }
        case "current": {
          // Not yet due: needs real terms (a "Due on receipt" invoice is due the day it is issued).
          if (terms === "Due on receipt") terms = "Net 30";
          const daysUntilDue = rng.int(1, termsDays[terms]);
          dueDate = addDays(today, daysUntilDue);
          issueDate = addDays(dueDate, -termsDays[terms]);
          partial = slot.partial;
          break;
        }
        case "paid":
          issueDate = addDays(today, -rng.int(20, OLDEST_OTHER_DAYS_AGO));
          dueDate = addDays(issueDate, termsDays[terms]);
          status = "paid";
          break;
        case "void":
          issueDate = addDays(today, -rng.int(10, OLDEST_OTHER_DAYS_AGO - 10));
          dueDate = addDays(issueDate, termsDays[terms]);
          status = "void";
          break;
      }

      const lines = makeLines(rng, plan, slot.kind === "demo" ? 4 : 1);
      const subtotal = lines.reduce((s, l) => s + l.amount, 0);
      const taxTotal = Math.round((subtotal * plan.taxBp) / 10_000);
      const total = subtotal + taxTotal;
      const amountPaid = status === "paid" ? total : partial ? partialAmount(rng, total) : 0;

      let poNumber: string | null = null;
      if (slot.kind === "demo") poNumber = demoInvoice.poNumber;
      else if (rng.chance(1 / 3)) {
        let po: number;
        do po = rng.int(1000, 9999);
        while (usedPos.has(po));
        usedPos.add(po);
        poNumber = `PO-${po}`;
      }

      let memo: string | null = null;
      if (slot.kind === "demo") memo = "Past due — please remit, or contact Accounts Receivable to arrange a payment plan.";
      else if (status === "void") memo = rng.pick(["Voided — issued in error.", "Voided — duplicate of a previously billed order.", "Voided — re-billed with corrected ship-to address."]);
      else if (rng.chance(0.12)) memo = rng.pick(memos);

      drafts.push({ accountIndex, slot, order: order++, issueDate, dueDate, terms, lines, subtotal, taxTotal, total, status, amountPaid, poNumber, memo });
    }
  });

  // ERP numbering follows issue order across all customers.
  drafts.sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.accountIndex - b.accountIndex || a.order - b.order);
  const numbered = drafts.map((d, i) => ({ ...d, number: `INV-${10001 + i}` }));
  const first = numbered[0];
  if (!first || first.slot.kind !== "demo") throw new Error("seed: the demo invoice must be numbered INV-10001");
  return numbered;
}

// ---------------------------------------------------------------------------------------------
// Insertion
// ---------------------------------------------------------------------------------------------

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const SEED_LOCK = 724002;

/**
 * Inserts the demo data in one transaction, unless any account exists already (then it does
 * nothing). `today` ("YYYY-MM-DD", default the current UTC date) anchors every date.
 */
export async function seedDemoData(db: Db, options: { today?: string } = {}): Promise<{ seeded: boolean }> {
  const today = options.today ?? clockToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) {
    throw new Error(`seedDemoData: today must be a "YYYY-MM-DD" date, got ${JSON.stringify(today)}`);
  }
  const drafts = buildDemoInvoices(today);

  return db.transaction(async (tx) => {
    // Two processes seeding at once: the second waits, then sees the accounts and skips.
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const existing = await tx.select({ id: schema.accounts.id }).from(schema.accounts).limit(1);
    if (existing.length > 0) return { seeded: false };

    const accountRows = accountPlans.map((p) => ({
      id: newId("acc"),
      externalId: p.externalId,
      number: p.number,
      name: p.name,
      billingEmail: p.billingEmail,
      currency: p.currency,
    }));
    const accountIdByNumber = new Map(accountRows.map((a) => [a.number, a.id]));
    await tx.insert(schema.accounts).values(accountRows);

    const userRows = people.map((p) => ({ id: newId("usr"), email: p.email, name: p.name, role: p.role }));
    await tx.insert(schema.users).values(userRows);

    const contactRows = people.flatMap((p, i) =>
      p.contactOf.map((c) => {
        const accountId = accountIdByNumber.get(c.account);
        if (!accountId) throw new Error(`seed: unknown account ${c.account}`);
        return { accountId, userId: userRows[i]!.id, title: c.title };
      }),
    );
    await tx.insert(schema.accountContacts).values(contactRows);

    const invoiceRows: NewInvoice[] = [];
    const lineRows: NewInvoiceLine[] = [];
    for (const d of drafts) {
      const plan = accountPlans[d.accountIndex]!;
      const id = newId("inv");
      invoiceRows.push({
        id,
        accountId: accountRows[d.accountIndex]!.id,
        externalId: `ERP-${d.number}`,
        number: d.number,
        poNumber: d.poNumber,
        currency: plan.currency,
        issueDate: d.issueDate,
        dueDate: d.dueDate,
        terms: d.terms,
        status: d.status,
        subtotal: d.subtotal,
        taxTotal: d.taxTotal,
        taxLabel: plan.taxLabel,
        total: d.total,
        amountPaid: d.amountPaid,
        amountCredited: 0,
        memo: d.memo,
      });
      d.lines.forEach((l, i) => lineRows.push({ invoiceId: id, position: i + 1, ...l }));
    }
    for (const rows of chunks(invoiceRows, 500)) await tx.insert(schema.invoices).values(rows);
    for (const rows of chunks(lineRows, 1000)) await tx.insert(schema.invoiceLines).values(rows);

    // Collections: two segments with their cadences, the AR agent collecting every account,
    // Initech on the watch list (the Firm cadence, with call steps).
    await tx.insert(schema.segments).values([
      { name: "Key accounts", cadenceId: "cad_gentle", description: "Pay reliably; a light touch." },
      { name: "Watch list", cadenceId: "cad_firm", description: "Late or disputing often." },
    ]);
    const agentId = userRows[people.findIndex((p) => p.email === demoUsers.agent)]!.id;
    await tx.insert(schema.collectionProfiles).values(
      accountRows.map((a) => ({ accountId: a.id, collectorId: agentId, segment: a.number === "C-1004" ? "Watch list" : a.number === "C-1003" ? "Key accounts" : null })),
    );

    await seedDemoDisputes(tx, {
      today,
      accountId: accountIdByNumber.get("C-1004")!,
      invoices: invoiceRows.filter((i) => i.accountId === accountIdByNumber.get("C-1004") && i.status === "open" && (i.amountPaid ?? 0) < i.total),
      payerId: userRows[people.findIndex((p) => p.email === demoUsers.payerThird)]!.id,
      agentId: userRows[people.findIndex((p) => p.email === demoUsers.agent)]!.id,
    });

    return { seeded: true };
  });
}

/**
 * A few disputes on Initech's open invoices, in the states the AR queue shows: one past its
 * first-response SLA, one in review with an internal note, one waiting on the customer, and a
 * rejected one. Active disputes hold their amount on the invoice (amount_disputed).
 */
async function seedDemoDisputes(
  tx: Parameters<Parameters<Db["transaction"]>[0]>[0],
  seed: { today: string; accountId: string; invoices: NewInvoice[]; payerId: string; agentId: string },
) {
  const at = (daysAgo: number, hour = 15) => new Date(Date.parse(`${seed.today}T${String(hour).padStart(2, "0")}:00:00Z`) - daysAgo * 86_400_000);
  const plans = [
    { status: "open", reason: "pricing_error", share: 0.25, openedDaysAgo: 9, dueDaysAgo: 5, assignee: null, responded: false, body: "The unit price for the pallets is higher than our contract rate of 41.00." },
    { status: "in_review", reason: "damaged_goods", share: 1, openedDaysAgo: 4, dueDaysAgo: 2, assignee: seed.agentId, responded: true, body: "Two cartons arrived crushed; photos to follow." },
    { status: "waiting_on_customer", reason: "quantity_or_short_shipment", share: 0.5, openedDaysAgo: 3, dueDaysAgo: 1, assignee: seed.agentId, responded: true, body: "We received 40 units, not 50." },
    { status: "rejected", reason: "already_paid", share: 1, openedDaysAgo: 20, dueDaysAgo: 18, assignee: seed.agentId, responded: true, body: "We paid this by wire last month." },
  ] as const;
  for (const [i, plan] of plans.entries()) {
    const invoice = seed.invoices[i];
    if (!invoice) break;
    const open = invoice.total - (invoice.amountPaid ?? 0);
    const amount = Math.max(100, Math.floor(open * plan.share));
    const id = newId("dsp", at(plan.openedDaysAgo).getTime());
    const active = plan.status !== "rejected";
    await tx.insert(schema.disputes).values({
      id,
      accountId: seed.accountId,
      invoiceId: invoice.id!,
      openedByUserId: seed.payerId,
      reason: plan.reason,
      amount,
      currency: invoice.currency,
      description: plan.body,
      status: plan.status,
      assigneeUserId: plan.assignee,
      firstResponseDueAt: at(plan.dueDaysAgo, 17),
      firstRespondedAt: plan.responded ? at(plan.openedDaysAgo - 1) : null,
      resolutionNote: active ? null : "Our records show no payment for this invoice; the wire you mention was applied to INV-10012.",
      createdAt: at(plan.openedDaysAgo),
      updatedAt: at(Math.max(0, plan.openedDaysAgo - 1)),
      closedAt: active ? null : at(plan.openedDaysAgo - 2),
    });
    const messages: Array<typeof schema.disputeMessages.$inferInsert> = [
      { disputeId: id, authorUserId: seed.payerId, authorSide: "customer", visibility: "customer", body: plan.body, createdAt: at(plan.openedDaysAgo) },
    ];
    if (plan.status === "in_review") {
      messages.push(
        { disputeId: id, authorUserId: seed.agentId, authorSide: "staff", visibility: "customer", body: "Thanks — we are checking with the warehouse.", createdAt: at(plan.openedDaysAgo - 1) },
        { disputeId: id, authorUserId: seed.agentId, authorSide: "staff", visibility: "internal", body: "Carrier claim likely; ask logistics for the POD.", createdAt: at(plan.openedDaysAgo - 1, 16) },
      );
    }
    if (plan.status === "waiting_on_customer") {
      messages.push({ disputeId: id, authorUserId: seed.agentId, authorSide: "staff", visibility: "customer", kind: "info_request", body: "Could you send the signed delivery note?", createdAt: at(plan.openedDaysAgo - 1) });
    }
    if (plan.status === "rejected") {
      messages.push({ disputeId: id, authorUserId: seed.agentId, authorSide: "staff", visibility: "customer", kind: "resolution", body: "Our records show no payment for this invoice; the wire you mention was applied to INV-10012.", createdAt: at(plan.openedDaysAgo - 2) });
    }
    await tx.insert(schema.disputeMessages).values(messages);
    if (active) await tx.update(schema.invoices).set({ amountDisputed: amount }).where(sql`${schema.invoices.id} = ${invoice.id!}`);
  }
}
