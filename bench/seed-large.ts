/**
 * Bulk seeder for the benchmark: 100,000 accounts and 1,000,000 invoices (with ~3M lines,
 * payments and their allocations, disputes with their threads and credit memos, payment plans
 * with installments) in a few minutes on a small machine.
 *
 * Rows are generated in memory one account at a time (so every invoice's amounts are final —
 * paid, credited, disputed, held by a plan — before it is written) and streamed to PostgreSQL
 * with COPY, a batch of ~20,000 invoices at a time. Each batch is copied table by table in
 * foreign-key order on one dedicated connection, while the next batch is generated: Node and
 * the PostgreSQL backend work in parallel. Indexes and constraints stay in place, so every
 * CHECK and foreign key is enforced on every row.
 *
 * Deterministic: amounts, names and dates come from a seeded PRNG, and every date is an offset
 * from `today`. Ids have the shape of `newId()` (prefix, 10 chars of time, 16 chars) but carry
 * a counter instead of randomness: unique, sortable, and identical from run to run.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type postgres from "postgres";
import type { DisputeReason } from "../db/schema/dispute-values";
import type { PlanFrequency, PlanPolicyRules } from "../db/schema/plan-values";
import { catalog, type CatalogItem, type Category } from "../db/seed";
import { defaultPlanRules } from "../app/modules/plans/plan-rules-limits";
import { buildSchedule } from "../app/modules/plans/schedule";

export interface LargeSeedOptions {
  /** e.g. 100_000 (full) / 1_000 (quick) */
  accounts: number;
  /** Total across all accounts, e.g. 1_000_000 / 10_000. */
  invoices: number;
  /** Invoices of the one "big" account C-BIG (5_000 full, 1_000 quick). */
  bigAccountInvoices: number;
  /** A few more accounts with ~2,000–3,000 invoices each (e.g. 10 full, 1 quick). */
  otherLargeAccounts: number;
  /** PRNG seed (deterministic output). */
  seed?: number;
  /** "YYYY-MM-DD" anchor for all dates. */
  today: string;
  log?: (msg: string) => void;
}

export interface LargeSeedResult {
  bigAccount: { id: string; number: string; payerUserId: string; payerEmail: string; sampleInvoiceId: string };
  /** An ar_admin user (email bench-admin@acme.example). */
  staffUserId: string;
  /** Rows written per table. */
  counts: Record<string, number>;
  seconds: number;
}

export const BIG_ACCOUNT_NUMBER = "C-BIG";
export const BENCH_ADMIN_EMAIL = "bench-admin@acme.example";
const DEFAULT_SEED = 0x5eed_b3c4;
/** Invoices per COPY batch. */
const BATCH_INVOICES = 50_000;
/** Ordinary accounts are numbered C-0000011…; the other large ones C-L0001…; the big one C-BIG. */
const ORDINARY_NUMBER_RE = "^C-[0-9]{7}$";

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** mulberry32 */
  float(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }
  gaussian(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

/** A weighted choice with precomputed cumulative weights. */
class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly sum: number;
  constructor(pairs: readonly (readonly [T, number])[]) {
    this.items = pairs.map(([item]) => item);
    let s = 0;
    this.cumulative = pairs.map(([, w]) => (s += w));
    this.sum = s;
  }
  pick(rng: Rng): T {
    const r = rng.float() * this.sum;
    for (let i = 0; i < this.cumulative.length; i++) if (r < this.cumulative[i]!) return this.items[i]!;
    return this.items[this.items.length - 1]!;
  }
}

function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Ids, dates, COPY text
// ---------------------------------------------------------------------------------------------

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const STD32 = "0123456789abcdefghijklmnopqrstuv";
const toCrockford = new Map([...STD32].map((c, i) => [c, CROCKFORD[i]!]));
const ZEROS16 = "0000000000000000";

function crockford(n: number, width: number): string {
  let s = "";
  for (const c of n.toString(32)) s += toCrockford.get(c)!;
  return ZEROS16.slice(0, width - s.length) + s;
}

/** The 10 time characters of newId() for `ms`. */
function timePart(ms: number): string {
  return crockford(ms, 10);
}

/** Ids shaped like newId(): `${prefix}_${10 time chars}${16-char counter}`. */
class IdSeq {
  private next: number;
  readonly head: string;
  constructor(prefix: string, time: string, start = 0) {
    this.head = `${prefix}_${time}`;
    this.next = start;
  }
  id(): string {
    return this.head + crockford(this.next++, 16);
  }
  static counterOf(id: string, head: string): number {
    const tail = id.slice(head.length);
    let n = 0;
    for (const c of tail) n = n * 32 + CROCKFORD.indexOf(c);
    return n;
  }
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;
const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const dayStrings = new Map<number, string>();

/** Days since 1970-01-01 → "YYYY-MM-DD". */
function ds(day: number): string {
  let s = dayStrings.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayStrings.set(day, s);
  }
  return s;
}

/** Epoch ms → timestamptz text in UTC. */
function ts(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let rest = Math.floor((ms - day * DAY_MS) / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  return `${ds(day)} ${pad2[h]}:${pad2[m]}:${pad2[rest - m * 60]}+00`;
}

function addBusinessDays(ms: number, days: number): number {
  let d = ms;
  let left = days;
  while (left > 0) {
    d += DAY_MS;
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

type Cell = string | number | null;
const NEEDS_ESCAPE = /[\t\n\r\\]/;

function cell(v: Cell): string {
  if (v === null) return "\\N";
  if (typeof v === "number") return String(v);
  return NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : v;
}

function tsv(cells: Cell[]): string {
  let s = cell(cells[0]!);
  for (let i = 1; i < cells.length; i++) s += "\t" + cell(cells[i]!);
  return s + "\n";
}

// Column lists in the order rows are written; FK order of the tables is the order of this object.
const batchTables = {
  invoices: ["id", "account_id", "external_id", "number", "po_number", "currency", "issue_date", "due_date", "terms", "status", "subtotal", "tax_total", "tax_label", "total", "amount_paid", "amount_credited", "amount_pending", "amount_disputed", "memo", "payment_plan_id", "created_at", "updated_at"],
  invoice_lines: ["id", "invoice_id", "position", "description", "sku", "quantity", "unit_amount", "amount"],
  payments: ["id", "account_id", "created_by_user_id", "plan_id", "amount", "currency", "status", "method", "method_label", "stripe_checkout_session_id", "stripe_payment_intent_id", "stripe_charge_id", "created_at", "updated_at", "processing_at", "succeeded_at"],
  payment_allocations: ["payment_id", "invoice_id", "amount"],
  disputes: ["id", "account_id", "invoice_id", "opened_by_user_id", "reason", "amount", "currency", "description", "status", "assignee_user_id", "first_response_due_at", "first_responded_at", "credited_amount", "resolution_note", "created_at", "updated_at", "closed_at"],
  dispute_messages: ["id", "dispute_id", "author_user_id", "author_side", "visibility", "kind", "body", "created_at"],
  credit_memos: ["id", "account_id", "invoice_id", "dispute_id", "amount", "currency", "reason", "created_by_user_id", "created_at"],
  payment_plans: ["id", "account_id", "created_by_user_id", "currency", "total", "frequency", "installment_count", "down_payment", "status", "policy", "stripe_payment_method_id", "method", "method_label", "reviewed_by_user_id", "created_at", "updated_at", "authorized_at", "approved_at", "activated_at"],
  plan_invoices: ["plan_id", "invoice_id", "amount"],
  installments: ["id", "plan_id", "sequence", "due_date", "amount", "status", "attempts", "payment_id", "paid_at", "updated_at"],
} as const;
type BatchTable = keyof typeof batchTables;
const batchTableNames = Object.keys(batchTables) as BatchTable[];
/** Copied batch by batch. The other tables (~2% of the rows) are copied once, at the end. */
const bulkTables: readonly BatchTable[] = ["invoices", "invoice_lines", "payments", "payment_allocations"];
const tailTables = batchTableNames.filter((t) => !bulkTables.includes(t));

const setupTables = {
  accounts: ["id", "external_id", "number", "name", "billing_email", "currency", "created_at"],
  users: ["id", "email", "name", "role", "created_at"],
  account_contacts: ["account_id", "user_id", "title", "created_at"],
} as const;

const seededTables = [...Object.keys(setupTables), ...batchTableNames];

/**
 * COPY `rows` (each a TSV line) into `table`. postgres.js drops an error the server reports after
 * the stream has ended (a constraint violated by the last rows): its `final` callback never runs
 * and the pipeline would hang. Catching the query's rejection surfaces that error instead.
 */
async function copyRows(conn: postgres.ReservedSql, table: string, columns: readonly string[], rows: string[]): Promise<void> {
  if (rows.length === 0) return;
  const query = conn.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`);
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const internal = query as unknown as { reject: (error: unknown) => void };
  const reject = internal.reject;
  internal.reject = (error: unknown) => {
    fail(error);
    reject(error);
  };
  const writable = await query.writable();
  function* chunks() {
    for (let i = 0; i < rows.length; i += 4_000) yield rows.slice(i, i + 4_000).join("");
  }
  try {
    await Promise.race([pipeline(Readable.from(chunks()), writable), failed]);
  } catch (error) {
    throw new Error(`COPY ${table} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// People and words; the catalog is the demo seed's (db/seed.ts)
// ---------------------------------------------------------------------------------------------

const categories: readonly Category[] = ["packaging", "foodservice", "janitorial", "mro", "office"];

const termsDays = { "Due on receipt": 0, "Net 15": 15, "Net 30": 30, "Net 45": 45 } as const;
type Terms = keyof typeof termsDays;
const termsPick = new Weighted<Terms>([
  ["Net 30", 70],
  ["Net 15", 10],
  ["Net 45", 10],
  ["Due on receipt", 10],
]);
const lineCountPick = new Weighted<number>([
  [1, 15],
  [2, 20],
  [3, 25],
  [4, 20],
  [5, 20],
]);
/** Days past due of overdue invoices, by aging bucket. */
const overduePick = new Weighted<readonly [number, number]>([
  [[1, 30], 35],
  [[31, 60], 20],
  [[61, 90], 15],
  [[91, 400], 30],
]);
const paymentGroupPick = new Weighted<number>([
  [1, 70],
  [2, 20],
  [3, 10],
]);
const planFrequencyPick = new Weighted<PlanFrequency>([
  ["monthly", 60],
  ["biweekly", 25],
  ["weekly", 15],
]);
const periodDays: Record<PlanFrequency, number> = { weekly: 7, biweekly: 14, monthly: 28 };

const cardLabels = ["Visa •••• 4242", "Mastercard •••• 4444", "Amex •••• 8431", "Visa •••• 1881", "Discover •••• 1117"] as const;
const bankLabels = ["STRIPE TEST BANK •••• 6789", "Chase •••• 3412", "Wells Fargo •••• 9012", "Bank of America •••• 5521"] as const;

const memos = [
  "Thank you for your business.",
  "Partial shipment — the balance of the order follows on a separate invoice.",
  "Pricing per the 2025 supply agreement.",
  "Delivered to dock 4; signed for by receiving.",
  "Please reference the invoice number on your remittance.",
  "Backordered items will ship and bill separately.",
] as const;
const voidMemos = ["Voided — issued in error.", "Voided — duplicate of a previously billed order.", "Voided — re-billed with corrected ship-to address."] as const;

const nameFirst = ["Northwind", "Globex", "Initech", "Acme", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli", "Vandelay", "Pied Piper", "Soylent", "Tyrell", "Cyberdyne", "Gringotts", "Oceanic", "Monarch", "Sterling", "Blue Ridge", "Cascade", "Summit", "Harbor", "Prairie", "Granite", "Redwood", "Silver Lake", "Keystone", "Lakeside", "Riverbend", "Pinecrest", "Ironwood", "Bayview", "Copperfield", "Evergreen", "Maple Leaf", "Northstar", "Sunrise", "Westfield", "Clearwater", "Highland"] as const;
const nameSecond = ["Foods", "Logistics", "Manufacturing", "Hospitality", "Health", "Dental Group", "Construction", "Hardware", "Restaurants", "Cafés", "Distribution", "Cleaning Services", "Property Management", "Schools", "Clinics", "Fabrication", "Packaging", "Auto Parts", "Brewing", "Bakeries"] as const;
const nameSuffix = ["Inc.", "LLC", "Co.", "Corp.", "Ltd.", "Group", "Partners", "Holdings"] as const;
const firstNames = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Olivia", "Liam", "Emma", "Noah", "Ava", "Mia", "Lucas", "Sofia", "Ethan", "Isabella", "Mateo", "Chloe", "Priya", "Wei", "Fatima", "Diego", "Hannah", "Omar", "Grace", "Kenji"] as const;
const lastNames = ["Smith", "Johnson", "Lee", "Garcia", "Brown", "Nguyen", "Patel", "Martinez", "Kim", "Davis", "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"] as const;
const contactTitles = ["Accounts Payable Manager", "AP Specialist", "Controller", "Office Manager", "Purchasing Manager", "Bookkeeper", "Finance Director"] as const;

const disputeReasonPick = new Weighted<DisputeReason>([
  ["pricing_error", 25],
  ["quantity_or_short_shipment", 20],
  ["damaged_goods", 15],
  ["not_received", 10],
  ["duplicate_billing", 8],
  ["already_paid", 8],
  ["tax", 6],
  ["other", 8],
]);
const disputeTexts: Record<DisputeReason, readonly string[]> = {
  pricing_error: ["The unit price is higher than our contract rate.", "We were quoted a lower price for these items; please check the agreement."],
  quantity_or_short_shipment: ["We received fewer units than invoiced.", "Two cartons were missing from the delivery."],
  damaged_goods: ["Several cartons arrived crushed; photos to follow.", "The goods were damaged in transit and are unusable."],
  not_received: ["We have no record of receiving this shipment.", "This order never arrived at our dock."],
  duplicate_billing: ["This order was already billed on another invoice.", "We were invoiced twice for the same delivery."],
  already_paid: ["We paid this invoice by wire last month.", "Payment was sent by check; please apply it."],
  tax: ["We are tax exempt; our certificate is on file.", "The tax rate applied is wrong for our ship-to address."],
  other: ["Please call us about this invoice.", "The PO number on this invoice is wrong."],
};

const defaultPlanPolicy: PlanPolicyRules = defaultPlanRules;
const defaultPlanPolicyJson = JSON.stringify(defaultPlanPolicy);

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

interface Profile {
  currency: "USD" | "CAD";
  taxBp: number;
  taxLabel: string | null;
  priceFactor: number;
  items: readonly CatalogItem[];
  mainTerms: Terms;
  /** Relative share of invoices among ordinary accounts. */
  weight: number;
}

/** The per-account constants, a pure function of (seed, account index): seedLarge and growInvoices agree. */
function profileFor(seed: number, index: number, currency?: "USD" | "CAD"): Profile {
  const rng = new Rng(hash32(seed, index));
  const cur = currency ?? (index > 0 && rng.chance(0.03) ? "CAD" : "USD");
  const tax =
    cur === "CAD"
      ? rng.pick([[500, "GST 5%"], [1300, "HST 13%"]] as const)
      : rng.pick([[825, "Sales tax 8.25%"], [625, "Sales tax 6.25%"], [700, "Sales tax 7%"], [600, "Sales tax 6%"], [0, null]] as const);
  const cats = rng.shuffle([...categories]).slice(0, rng.int(2, 3));
  return {
    currency: cur,
    taxBp: tax[0],
    taxLabel: tax[1],
    priceFactor: cur === "CAD" ? 1.37 : 1,
    items: catalog.filter((c) => cats.includes(c.category)),
    mainTerms: termsPick.pick(rng),
    weight: Math.exp(0.9 * rng.gaussian()),
  };
}

interface AccountCtx {
  index: number;
  id: string;
  number: string;
  payerId: string;
  profile: Profile;
}

/** Splits `total` into integer parts proportional to `weights` that sum exactly to it. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const out: number[] = [];
  let cumulative = 0;
  let given = 0;
  for (const w of weights) {
    cumulative += w;
    const upTo = sum > 0 ? Math.round((total * cumulative) / sum) : 0;
    out.push(upTo - given);
    given = upTo;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

interface DraftInvoice {
  id: string;
  number: string;
  po: string | null;
  issueDay: number;
  dueDay: number;
  terms: Terms;
  status: "open" | "paid" | "void";
  subtotal: number;
  tax: number;
  total: number;
  paid: number;
  credited: number;
  disputed: number;
  planId: string | null;
  memo: string | null;
  lineCount: number;
  createdMs: number;
  updatedMs: number;
}

const balanceOf = (i: DraftInvoice) => (i.status === "void" ? 0 : i.total - i.paid - i.credited);
const payableOf = (i: DraftInvoice) => (i.status === "open" && !i.planId ? Math.max(0, balanceOf(i) - i.disputed) : 0);

type Rows = Record<BatchTable, string[]>;
const emptyRows = (): Rows => Object.fromEntries(batchTableNames.map((t) => [t, [] as string[]])) as unknown as Rows;

interface Ids {
  inv: IdSeq;
  il: IdSeq;
  pay: IdSeq;
  dsp: IdSeq;
  dmsg: IdSeq;
  cm: IdSeq;
  pln: IdSeq;
  ins: IdSeq;
}

interface GeneratorState {
  rng: Rng;
  ids: Ids;
  nextNumber: number;
  today: number;
  /** No timestamp is later than this (the end of yesterday). */
  capMs: number;
  agents: string[];
  adminId: string | null;
  counts: Record<string, number>;
  rows: Rows;
  batchInvoices: number;
  /** Time spent generating rows (the rest is waiting for PostgreSQL). */
  generateSeconds: number;
}

function clampMs(g: GeneratorState, ms: number): number {
  return ms > g.capMs ? g.capMs - Math.floor(g.rng.float() * 6 * HOUR_MS) : ms;
}

function formatQuantity(milli: number): string {
  return `${Math.floor(milli / 1000)}.${String(milli % 1000).padStart(3, "0")}`;
}

function partialAmount(rng: Rng, total: number): number {
  const paid = Math.round((total * (0.2 + rng.float() * 0.55)) / 100) * 100;
  return paid > 0 && paid < total ? paid : Math.max(1, Math.floor(total / 2));
}

function makeInvoice(g: GeneratorState, acct: AccountCtx): DraftInvoice {
  const { rng } = g;
  const p = acct.profile;
  let terms: Terms = rng.chance(0.75) ? p.mainTerms : termsPick.pick(rng);
  const kind = rng.float();
  let status: DraftInvoice["status"];
  let issueDay: number;
  let dueDay: number;
  let partial = false;
  if (kind < 0.64) {
    status = "paid";
    issueDay = g.today - rng.int(20, 730);
    dueDay = issueDay + termsDays[terms];
  } else if (kind < 0.97) {
    status = "open";
    if (rng.chance(0.4)) {
      if (terms === "Due on receipt") terms = "Net 30";
      dueDay = g.today + rng.int(0, termsDays[terms]);
    } else {
      const [min, max] = overduePick.pick(rng);
      dueDay = g.today - rng.int(min, max);
    }
    issueDay = dueDay - termsDays[terms];
    partial = rng.chance(0.15);
  } else {
    status = "void";
    issueDay = g.today - rng.int(10, 720);
    dueDay = issueDay + termsDays[terms];
  }

  const id = g.ids.inv.id();
  const lineCount = Math.min(lineCountPick.pick(rng), p.items.length);
  const chosen: CatalogItem[] = [];
  while (chosen.length < lineCount) {
    const item = rng.pick(p.items);
    if (!chosen.includes(item)) chosen.push(item);
  }
  let subtotal = 0;
  const lines = g.rows.invoice_lines;
  chosen.forEach((item, i) => {
    const qtyMilli =
      item.qty.kind === "count"
        ? rng.pick(item.qty.choices) * 1000
        : item.qty.min + rng.int(0, Math.floor((item.qty.max - item.qty.min) / item.qty.step)) * item.qty.step;
    const unitAmount = Math.round(item.price * p.priceFactor);
    const amount = Math.max(1, Math.round((qtyMilli * unitAmount) / 1000));
    subtotal += amount;
    lines.push(tsv([g.ids.il.id(), id, i + 1, item.description, item.sku, formatQuantity(qtyMilli), unitAmount, amount]));
  });
  g.counts.invoice_lines! += lineCount;
  const tax = Math.round((subtotal * p.taxBp) / 10_000);
  const total = subtotal + tax;
  const paid = status === "paid" ? total : partial ? partialAmount(rng, total) : 0;
  const number = `B-${String(g.nextNumber++).padStart(9, "0")}`;
  const po = rng.chance(1 / 3) ? `PO-${rng.int(100_000, 999_999)}` : null;
  const memo = status === "void" ? rng.pick(voidMemos) : rng.chance(0.08) ? rng.pick(memos) : null;
  const createdMs = clampMs(g, issueDay * DAY_MS + rng.int(8 * 60, 18 * 60) * MIN_MS);
  return { id, number, po, issueDay, dueDay, terms, status, subtotal, tax, total, paid, credited: 0, disputed: 0, planId: null, memo, lineCount, createdMs, updatedMs: createdMs };
}

function pickMethod(rng: Rng): { method: "card" | "us_bank_account"; label: string } {
  return rng.chance(0.75) ? { method: "card", label: rng.pick(cardLabels) } : { method: "us_bank_account", label: rng.pick(bankLabels) };
}

/** A succeeded payment of `allocations` made on `atMs`: through Checkout, or off-session for a plan installment. */
function addPayment(
  g: GeneratorState,
  acct: AccountCtx,
  atMs: number,
  allocations: Array<{ invoice: DraftInvoice; amount: number }>,
  options: { planId?: string; method?: { method: "card" | "us_bank_account"; label: string } } = {},
): string {
  const id = g.ids.pay.id();
  const amount = allocations.reduce((s, a) => s + a.amount, 0);
  const { method, label } = options.method ?? pickMethod(g.rng);
  const created = clampMs(g, atMs);
  const processing = method === "us_bank_account" ? created + 5_000 : null;
  const succeeded = method === "us_bank_account" ? clampMs(g, created + g.rng.int(2, 4) * DAY_MS) : created + g.rng.int(3, 20) * 1000;
  const suffix = id.slice(4);
  g.rows.payments.push(
    tsv([id, acct.id, acct.payerId, options.planId ?? null, amount, acct.profile.currency, "succeeded", method, label, options.planId ? null : `cs_${suffix}`, `pi_${suffix}`, `ch_${suffix}`, ts(created), ts(succeeded), processing === null ? null : ts(processing), ts(succeeded)]),
  );
  for (const a of allocations) {
    g.rows.payment_allocations.push(tsv([id, a.invoice.id, a.amount]));
    if (succeeded > a.invoice.updatedMs) a.invoice.updatedMs = succeeded;
  }
  g.counts.payments! += 1;
  g.counts.payment_allocations! += allocations.length;
  return id;
}

function addMessage(g: GeneratorState, disputeId: string, author: string | null, side: "customer" | "staff" | "system", visibility: "customer" | "internal", kind: "message" | "info_request" | "status_change" | "resolution", body: string, atMs: number) {
  g.rows.dispute_messages.push(tsv([g.ids.dmsg.id(), disputeId, author, side, visibility, kind, body, ts(atMs)]));
  g.counts.dispute_messages! += 1;
}

/** A dispute of `inv`: active ones hold their amount on the invoice, resolved ones credit it. */
function addDispute(g: GeneratorState, acct: AccountCtx, inv: DraftInvoice, active: boolean) {
  const { rng } = g;
  const payable = payableOf(inv);
  if (payable <= 0) return;
  const id = g.ids.dsp.id();
  const reason = disputeReasonPick.pick(rng);
  const description = rng.pick(disputeTexts[reason]);
  const amount = rng.chance(0.5) ? payable : Math.max(1, Math.min(payable, Math.round(payable * (0.1 + rng.float() * 0.8))));
  const lookBack = active ? 30 : 300;
  const openedDay = Math.max(inv.issueDay, g.today - rng.int(1, lookBack));
  const opened = clampMs(g, Math.max(inv.createdMs + HOUR_MS, openedDay * DAY_MS + rng.int(13 * 60, 22 * 60) * MIN_MS));
  const dueAt = addBusinessDays(opened, 2);
  const agent = g.agents.length > 0 ? rng.pick(g.agents) : null;
  let status: "open" | "in_review" | "waiting_on_customer" | "resolved" | "rejected" | "withdrawn";
  if (active) {
    const r = rng.float();
    status = r < 0.5 ? "open" : r < 0.8 ? "in_review" : "waiting_on_customer";
  } else {
    const r = rng.float();
    status = r < 0.4 ? "resolved" : r < 0.8 ? "rejected" : "withdrawn";
  }
  const responded = status === "open" ? null : clampMs(g, opened + rng.int(2, 40) * HOUR_MS);
  const assignee = status === "open" ? (rng.chance(0.3) ? agent : null) : agent;
  let closed: number | null = null;
  let credited = 0;
  let note: string | null = null;
  let updated = responded ?? opened;
  addMessage(g, id, acct.payerId, "customer", "customer", "message", description, opened);
  if (status === "in_review" && responded !== null) {
    addMessage(g, id, assignee, "staff", "customer", "message", "Thanks — we are checking with the warehouse.", responded);
    if (rng.chance(0.5)) addMessage(g, id, assignee, "staff", "internal", "message", "Ask logistics for the proof of delivery.", responded + MIN_MS);
  } else if (status === "waiting_on_customer" && responded !== null) {
    addMessage(g, id, assignee, "staff", "customer", "info_request", "Could you send the signed delivery note?", responded);
  } else if (!active && responded !== null) {
    closed = clampMs(g, responded + rng.int(1, 15) * DAY_MS);
    updated = closed;
    if (status === "resolved") {
      credited = Math.max(1, Math.min(amount, balanceOf(inv), rng.chance(0.6) ? amount : Math.round(amount * 0.5)));
      note = "We agree; the difference is credited to this invoice.";
      addMessage(g, id, assignee, "staff", "customer", "resolution", `We credited this invoice.\n\n${note}`, closed);
      g.rows.credit_memos.push(tsv([g.ids.cm.id(), acct.id, inv.id, id, credited, acct.profile.currency, note, assignee, ts(closed)]));
      g.counts.credit_memos! += 1;
      inv.credited += credited;
      if (balanceOf(inv) <= 0) inv.status = "paid";
    } else if (status === "rejected") {
      note = "Our records show the invoice is correct as billed.";
      addMessage(g, id, assignee, "staff", "customer", "resolution", `We looked into your dispute and could not accept it.\n\n${note}`, closed);
    } else {
      addMessage(g, id, acct.payerId, "customer", "customer", "status_change", "Dispute withdrawn by the customer.", closed);
    }
    if (closed > inv.updatedMs) inv.updatedMs = closed;
  }
  if (active) {
    inv.disputed += amount;
    if (opened > inv.updatedMs) inv.updatedMs = opened;
  }
  g.rows.disputes.push(
    tsv([id, acct.id, inv.id, acct.payerId, reason, amount, acct.profile.currency, description, status, assignee, ts(dueAt), responded === null ? null : ts(responded), credited, note, ts(opened), ts(updated), closed === null ? null : ts(closed)]),
  );
  g.counts.disputes! += 1;
}

/** An active plan over 1–3 open, undisputed invoices, with 3 installments of which the first is paid. */
function addPlan(g: GeneratorState, acct: AccountCtx, drafts: DraftInvoice[]): boolean {
  const { rng } = g;
  const frequency = planFrequencyPick.pick(rng);
  const firstDay = g.today - rng.int(1, periodDays[frequency] - 1);
  const createdDay = firstDay - rng.int(0, 20);
  const eligible = rng.shuffle(drafts.filter((d) => d.status === "open" && d.disputed === 0 && !d.planId && balanceOf(d) > 0 && d.issueDay < createdDay));
  const chosen = eligible.slice(0, rng.int(1, 3));
  const total = chosen.reduce((s, d) => s + balanceOf(d), 0);
  if (chosen.length === 0 || total < defaultPlanPolicy.minTotal) return false;
  const id = g.ids.pln.id();
  const created = clampMs(g, Math.max(createdDay * DAY_MS + rng.int(9 * 60, 20 * 60) * MIN_MS, ...chosen.map((d) => d.createdMs + HOUR_MS)));
  const authorized = created + 5 * MIN_MS;
  const needsApproval = defaultPlanPolicy.approvalThreshold !== null && total > defaultPlanPolicy.approvalThreshold;
  const approved = needsApproval ? authorized + 2 * HOUR_MS : null;
  const activated = approved ?? authorized;
  const method = { method: "card" as const, label: rng.pick(cardLabels) };
  const schedule = buildSchedule({ total, installmentCount: 3, frequency, firstDate: ds(firstDay), downPayment: 0, today: ds(createdDay) });

  for (const d of chosen) g.rows.plan_invoices.push(tsv([id, d.id, balanceOf(d)]));
  g.counts.plan_invoices! += chosen.length;

  // Installment 1 was charged on its due date: allocated oldest due first, like createInstallmentPayment.
  const first = schedule[0]!;
  const paidAt = clampMs(g, Math.max(firstDay * DAY_MS + 10 * HOUR_MS, activated + HOUR_MS));
  const held = [...chosen].sort((a, b) => a.dueDay - b.dueDay || a.number.localeCompare(b.number));
  const allocations: Array<{ invoice: DraftInvoice; amount: number }> = [];
  let left = first.amount;
  for (const inv of held) {
    if (left === 0) break;
    const take = Math.min(left, balanceOf(inv));
    if (take > 0) allocations.push({ invoice: inv, amount: take });
    left -= take;
  }
  const paymentId = addPayment(g, acct, paidAt, allocations, { planId: id, method });
  for (const a of allocations) {
    a.invoice.paid += a.amount;
    if (balanceOf(a.invoice) <= 0) a.invoice.status = "paid";
  }
  for (const d of chosen) {
    d.planId = id;
    if (created > d.updatedMs) d.updatedMs = created;
  }

  g.rows.payment_plans.push(
    tsv([id, acct.id, acct.payerId, acct.profile.currency, total, frequency, 3, 0, "active", defaultPlanPolicyJson, `pm_${id.slice(4)}`, method.method, method.label, needsApproval ? g.adminId : null, ts(created), ts(paidAt), ts(authorized), approved === null ? null : ts(approved), ts(activated)]),
  );
  g.counts.payment_plans! += 1;
  schedule.forEach((s, i) => {
    const paid = i === 0;
    g.rows.installments.push(tsv([g.ids.ins.id(), id, s.sequence, s.dueDate, s.amount, paid ? "paid" : "scheduled", 0, paid ? paymentId : null, paid ? ts(paidAt) : null, ts(paid ? paidAt : created)]));
  });
  g.counts.installments! += schedule.length;
  return true;
}

interface AccountPlanOptions {
  /** Exactly this many disputes among the open invoices (the big account), instead of ~1.4%. */
  disputes?: number;
  plan: boolean;
}

/** Generates `count` invoices of one account with everything that hangs off them, into g.rows. */
function generateAccount(g: GeneratorState, acct: AccountCtx, count: number, options: AccountPlanOptions): DraftInvoice[] {
  const t0 = performance.now();
  const { rng } = g;
  const drafts: DraftInvoice[] = [];
  for (let i = 0; i < count; i++) drafts.push(makeInvoice(g, acct));

  // Payments: fully paid invoices in issue order, 1–3 to a payment; one payment per partial payment.
  const paid = drafts.filter((d) => d.status === "paid").sort((a, b) => a.issueDay - b.issueDay);
  for (let i = 0; i < paid.length; ) {
    const group = paid.slice(i, i + paymentGroupPick.pick(rng));
    i += group.length;
    const last = group[group.length - 1]!;
    const day = Math.min(g.today - 1, last.issueDay + rng.int(0, termsDays[last.terms] + 10));
    addPayment(g, acct, Math.max(day * DAY_MS + rng.int(8 * 60, 22 * 60) * MIN_MS, last.createdMs + HOUR_MS), group.map((d) => ({ invoice: d, amount: d.total })));
  }
  for (const d of drafts) {
    if (d.status === "open" && d.paid > 0) {
      const day = d.issueDay + rng.int(0, Math.max(0, g.today - 1 - d.issueDay));
      addPayment(g, acct, Math.max(day * DAY_MS + rng.int(8 * 60, 22 * 60) * MIN_MS, d.createdMs + HOUR_MS), [{ invoice: d, amount: d.paid }]);
    }
  }

  // Disputes on open invoices.
  if (options.disputes !== undefined) {
    const open = rng.shuffle(drafts.filter((d) => payableOf(d) > 0));
    const n = Math.min(options.disputes, open.length);
    const activeN = Math.round(n * 0.8);
    for (let i = 0; i < n; i++) addDispute(g, acct, open[i]!, i < activeN);
  } else {
    for (const d of drafts) {
      if (payableOf(d) <= 0) continue;
      const r = rng.float();
      if (r < 0.01) addDispute(g, acct, d, true);
      else if (r < 0.014) addDispute(g, acct, d, false);
    }
  }

  if (options.plan) addPlan(g, acct, drafts);

  const cur = acct.profile.currency;
  for (const d of drafts) {
    g.rows.invoices.push(
      tsv([d.id, acct.id, `ERP-${d.number}`, d.number, d.po, cur, ds(d.issueDay), ds(d.dueDay), d.terms, d.status, d.subtotal, d.tax, acct.profile.taxLabel, d.total, d.paid, d.credited, 0, d.disputed, d.memo, d.planId, ts(d.createdMs), ts(d.updatedMs)]),
    );
  }
  g.counts.invoices! += drafts.length;
  g.batchInvoices += drafts.length;
  g.generateSeconds += (performance.now() - t0) / 1000;
  return drafts;
}

// ---------------------------------------------------------------------------------------------
// The pipeline: generate a batch while the previous one is copied
// ---------------------------------------------------------------------------------------------

/**
 * Copies batches on two connections: `main` takes the invoices and payments of each batch,
 * `side` the lines (once the batch's invoices are in) and the allocations (once its payments are),
 * so two PostgreSQL backends work while Node generates the next batch. At most two batches wait.
 */
class BatchWriter {
  private mainChain: Promise<void> = Promise.resolve();
  private sideChain: Promise<void> = Promise.resolve();
  private readonly pending: Promise<void>[] = [];
  private error: unknown = null;
  private lastYield = 0;
  /** Wall time spent in each table's COPY statements. */
  readonly copySeconds: Record<string, number> = {};
  constructor(
    private readonly main: postgres.ReservedSql,
    private readonly side: postgres.ReservedSql,
    private readonly g: GeneratorState,
    private readonly log: (msg: string) => void,
    private readonly total: number,
    private readonly started: number,
  ) {}

  /** Hands the generated rows to the copiers once the batch is big enough (or `force`). */
  async maybeFlush(force = false): Promise<void> {
    if (this.error) throw this.error;
    if (!force && this.g.batchInvoices < BATCH_INVOICES) {
      // Every ~1,000 invoices, let the sockets move the batches being copied while we keep generating.
      if (this.g.batchInvoices - this.lastYield >= 1_000) {
        this.lastYield = this.g.batchInvoices;
        await yieldToEventLoop();
      }
      return;
    }
    this.lastYield = 0;
    if (this.g.batchInvoices === 0) return;
    const rows = this.g.rows;
    this.g.rows = emptyRows();
    for (const table of tailTables) this.g.rows[table] = rows[table];
    this.g.batchInvoices = 0;
    while (this.pending.length >= 2) await this.pending.shift();
    if (this.error) throw this.error;
    const done = this.g.counts.invoices!;

    const invoicesIn = this.mainChain.then(this.step(() => this.copy(this.main, "invoices", rows.invoices)));
    const paymentsIn = invoicesIn.then(this.step(() => this.copy(this.main, "payments", rows.payments)));
    this.mainChain = paymentsIn;
    // On one connection (a pool of one) every COPY must wait for the one before it.
    const single = this.side === this.main;
    const linesIn = Promise.all([this.sideChain, single ? paymentsIn : invoicesIn]).then(this.step(() => this.copy(this.side, "invoice_lines", rows.invoice_lines)));
    const allocationsIn = Promise.all([linesIn, paymentsIn]).then(
      this.step(async () => {
        await this.copy(this.side, "payment_allocations", rows.payment_allocations);
        const seconds = (performance.now() - this.started) / 1000;
        this.log(`  ${done.toLocaleString("en-US")} / ${this.total.toLocaleString("en-US")} invoices (${seconds.toFixed(1)} s, ${Math.round(done / seconds).toLocaleString("en-US")} invoices/s)`);
      }),
    );
    this.sideChain = allocationsIn;
    if (single) this.mainChain = allocationsIn;
    this.pending.push(allocationsIn);
  }

  /** A step of a chain: skipped after an error, and never rejects (the error is kept for maybeFlush). */
  private step(fn: () => Promise<void>): () => Promise<void> {
    return async () => {
      if (this.error) return;
      try {
        await fn();
      } catch (e) {
        this.error ??= e;
      }
    };
  }

  private async copy(conn: postgres.ReservedSql, table: BatchTable, rows: string[]) {
    const t0 = performance.now();
    await copyRows(conn, table, batchTables[table], rows);
    this.copySeconds[table] = (this.copySeconds[table] ?? 0) + (performance.now() - t0) / 1000;
  }

  /** Copies what is left: the last batch, then the disputes, plans… of the whole run. */
  async finish(): Promise<void> {
    await this.maybeFlush(true);
    await Promise.all([this.mainChain, this.sideChain]);
    if (this.error) throw this.error;
    for (const table of tailTables) await this.copy(this.main, table, this.g.rows[table]);
    this.g.rows = emptyRows();
  }
}

function newState(seed: number, today: number, ids: Ids, nextNumber: number): GeneratorState {
  return {
    rng: new Rng(seed),
    ids,
    nextNumber,
    today,
    capMs: today * DAY_MS - MIN_MS,
    agents: [],
    adminId: null,
    counts: Object.fromEntries(seededTables.map((t) => [t, 0])),
    rows: emptyRows(),
    batchInvoices: 0,
    generateSeconds: 0,
  };
}

function parseToday(today: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(`${today}T00:00:00Z`))) {
    throw new Error(`today must be a "YYYY-MM-DD" date, got ${JSON.stringify(today)}`);
  }
  return Math.round(Date.parse(`${today}T00:00:00Z`) / DAY_MS);
}

/** Ids carry a fixed time two years before `today`, so every id the app makes later sorts after them. */
function idTime(today: number): string {
  return timePart((today - 730) * DAY_MS);
}

function newIds(time: string, starts: Partial<Record<keyof Ids, number>> = {}): Ids {
  const make = (prefix: keyof Ids) => new IdSeq(prefix, time, starts[prefix] ?? 0);
  return { inv: make("inv"), il: make("il"), pay: make("pay"), dsp: make("dsp"), dmsg: make("dmsg"), cm: make("cm"), pln: make("pln"), ins: make("ins") };
}

function roundValues(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

/** Two dedicated connections (one when the pool allows only one), set up for bulk loading. */
async function reserveConnections(sql: postgres.Sql): Promise<{ main: postgres.ReservedSql; side: postgres.ReservedSql; release: () => void }> {
  const main = await sql.reserve();
  const side = sql.options.max >= 2 ? await sql.reserve() : main;
  for (const conn of new Set([main, side])) await conn.unsafe("set synchronous_commit = off");
  return {
    main,
    side,
    release: () => {
      main.release();
      if (side !== main) side.release();
    },
  };
}

/**
 * VACUUM (so the visibility map is set and autovacuum does not wake mid-benchmark), ANALYZE, and
 * a CHECKPOINT so the load's WAL is not flushed by a checkpoint during the next measurement.
 */
async function vacuumAnalyze(conn: postgres.ReservedSql, tables: readonly string[]) {
  await conn.unsafe(`vacuum (analyze) ${tables.join(", ")}`);
  await conn.unsafe("checkpoint");
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export async function seedLarge(sql: postgres.Sql, options: LargeSeedOptions): Promise<LargeSeedResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const seed = options.seed ?? DEFAULT_SEED;
  const today = parseToday(options.today);
  const { accounts, invoices, bigAccountInvoices, otherLargeAccounts } = options;
  if (!Number.isInteger(accounts) || accounts < otherLargeAccounts + 2) throw new Error(`seedLarge: need at least ${otherLargeAccounts + 2} accounts`);
  if (!Number.isInteger(invoices) || invoices < bigAccountInvoices) throw new Error("seedLarge: invoices must be at least bigAccountInvoices");

  const [existing] = await sql<{ n: number }[]>`select count(*)::int as n from accounts where number = ${BIG_ACCOUNT_NUMBER}`;
  if ((existing?.n ?? 0) > 0) throw new Error(`seedLarge: account ${BIG_ACCOUNT_NUMBER} exists already; seed an empty (migrated) database`);

  const time = idTime(today);
  const g = newState(seed, today, newIds(time), 1);
  const { rng } = g;
  const accIds = new IdSeq("acc", time);
  const usrIds = new IdSeq("usr", time);

  // Invoices per account: the big one, the other large ones, then the rest by a skewed weight.
  const ordinaryCount = accounts - 1 - otherLargeAccounts;
  const sizes: number[] = [bigAccountInvoices];
  let left = invoices - bigAccountInvoices;
  const largeWanted = Array.from({ length: otherLargeAccounts }, () => rng.int(2_000, 3_000));
  const largeBudget = Math.max(0, left - Math.min(left, ordinaryCount));
  const largeTotal = largeWanted.reduce((s, n) => s + n, 0);
  const largeSizes = largeTotal <= largeBudget ? largeWanted : apportion(largeBudget, largeWanted);
  sizes.push(...largeSizes);
  left -= largeSizes.reduce((s, n) => s + n, 0);
  const profiles = Array.from({ length: accounts }, (_, i) => profileFor(seed, i));
  const ordinaryProfiles = profiles.slice(1 + otherLargeAccounts);
  const base = left >= ordinaryCount ? 1 : 0;
  const extra = apportion(left - base * ordinaryCount, base ? ordinaryProfiles.map((p) => p.weight) : ordinaryProfiles.map(() => 1));
  sizes.push(...extra.map((n) => n + base));

  // Accounts, their payers, AR staff.
  const { main: conn, side, release } = await reserveConnections(sql);
  try {
    const accountRows: string[] = [];
    const userRows: string[] = [];
    const contactRows: string[] = [];
    const ctxs: AccountCtx[] = [];
    for (let i = 0; i < accounts; i++) {
      const profile = profiles[i]!;
      const number = i === 0 ? BIG_ACCOUNT_NUMBER : i <= otherLargeAccounts ? `C-L${String(i).padStart(4, "0")}` : `C-${String(i).padStart(7, "0")}`;
      const name =
        i === 0 ? "Bigco Industrial Supply" : `${rng.pick(nameFirst)} ${rng.pick(nameSecond)} ${rng.pick(nameSuffix)}${rng.chance(0.2) ? ` #${i}` : ""}`;
      const id = accIds.id();
      const createdMs = (today - rng.int(800, 2_000)) * DAY_MS + rng.int(8 * 60, 18 * 60) * MIN_MS;
      accountRows.push(tsv([id, `BENCH-${number}`, number, name, `ap${i}@customers.bench.example`, profile.currency, ts(createdMs)]));
      const payerId = usrIds.id();
      userRows.push(tsv([payerId, `payer${i}@bench.example`, `${rng.pick(firstNames)} ${rng.pick(lastNames)}`, "payer", ts(createdMs + DAY_MS)]));
      contactRows.push(tsv([id, payerId, rng.pick(contactTitles), ts(createdMs + DAY_MS)]));
      ctxs.push({ index: i, id, number, payerId, profile });
    }
    const staffCreated = ts((today - 900) * DAY_MS);
    const adminId = usrIds.id();
    userRows.push(tsv([adminId, BENCH_ADMIN_EMAIL, "Bench Admin", "ar_admin", staffCreated]));
    for (let a = 1; a <= 3; a++) {
      const agentId = usrIds.id();
      g.agents.push(agentId);
      userRows.push(tsv([agentId, `bench-agent${a}@acme.example`, `Bench Agent ${a}`, "ar_agent", staffCreated]));
    }
    g.adminId = adminId;
    await copyRows(conn, "accounts", setupTables.accounts, accountRows);
    await copyRows(conn, "users", setupTables.users, userRows);
    await copyRows(conn, "account_contacts", setupTables.account_contacts, contactRows);
    g.counts.accounts = accountRows.length;
    g.counts.users = userRows.length;
    g.counts.account_contacts = contactRows.length;
    log(`seed-large: ${accounts.toLocaleString("en-US")} accounts and ${userRows.length.toLocaleString("en-US")} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Invoices and everything that hangs off them, account by account.
    const writer = new BatchWriter(conn, side, g, log, invoices, started);
    let sampleInvoiceId: string | null = null;
    for (let i = 0; i < accounts; i++) {
      const acct = ctxs[i]!;
      const count = sizes[i] ?? 0;
      if (count === 0) continue;
      if (i === 0) {
        const drafts = generateAccount(g, acct, count, { disputes: 50, plan: false });
        const sample =
          drafts.find((d) => d.status === "open" && d.paid === 0 && d.disputed === 0 && !d.planId && d.lineCount >= 3 && d.dueDay < today) ??
          drafts.find((d) => payableOf(d) > 0);
        sampleInvoiceId = sample?.id ?? drafts[0]!.id;
      } else {
        generateAccount(g, acct, count, { plan: rng.chance(0.005) });
      }
      await writer.maybeFlush();
    }
    await writer.finish();
    log(`seed-large: generating took ${g.generateSeconds.toFixed(1)} s; COPY seconds by table ${JSON.stringify(roundValues(writer.copySeconds))}`);

    log("seed-large: vacuum analyze…");
    await vacuumAnalyze(conn, seededTables);
    const big = ctxs[0]!;
    const seconds = (performance.now() - started) / 1000;
    log(`seed-large: done in ${seconds.toFixed(1)} s`);
    return {
      bigAccount: { id: big.id, number: big.number, payerUserId: big.payerId, payerEmail: "payer0@bench.example", sampleInvoiceId: sampleInvoiceId! },
      staffUserId: adminId,
      counts: g.counts,
      seconds,
    };
  } finally {
    release();
  }
}

/**
 * Adds invoices (with lines) until the database holds `totalInvoices`, keeping the big account's
 * size unchanged; used to grow 10k → 1M between measurements. The new invoices go to the ordinary
 * accounts (C-0000011…; the other large accounts keep their size too), in the same mix as
 * seedLarge: paid ones with their payments, open ones with ~1.4% disputes. No new plans.
 */
export async function growInvoices(
  sql: postgres.Sql,
  totalInvoices: number,
  options: { seed?: number; today: string; log?: (m: string) => void },
): Promise<{ added: number; seconds: number }> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const seed = options.seed ?? DEFAULT_SEED;
  const today = parseToday(options.today);

  const [{ n: current } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from invoices`;
  const added = totalInvoices - current;
  if (added <= 0) return { added: 0, seconds: (performance.now() - started) / 1000 };

  const accountsFound = await sql<{ id: string; number: string; currency: string; payer: string | null }[]>`
    select a.id, a.number, a.currency,
      (select c.user_id from account_contacts c where c.account_id = a.id order by c.created_at, c.user_id limit 1) as payer
    from accounts a
    where a.number ~ ${ORDINARY_NUMBER_RE}
    order by a.number collate "C"`;
  if (accountsFound.length === 0) throw new Error("growInvoices: no ordinary bench accounts (C-0000011…); run seedLarge first");
  const staff = await sql<{ id: string; email: string }[]>`
    select id, email from users where lower(email) like 'bench-%@acme.example' order by email`;

  // Continue the id counters and invoice numbers where the database left them.
  const time = idTime(today);
  const starts: Partial<Record<keyof Ids, number>> = {};
  const idTables: Array<[keyof Ids, string]> = [
    ["inv", "invoices"],
    ["il", "invoice_lines"],
    ["pay", "payments"],
    ["dsp", "disputes"],
    ["dmsg", "dispute_messages"],
    ["cm", "credit_memos"],
  ];
  for (const [prefix, table] of idTables) {
    const head = `${prefix}_${time}`;
    const [row] = await sql<{ max: string | null }[]>`select max(id collate "C") as max from ${sql(table)} where id like ${`${head}%`} and length(id) = ${head.length + 16}`;
    starts[prefix] = row?.max ? IdSeq.counterOf(row.max, head) + 1 : 0;
  }
  const [numberRow] = await sql<{ max: string | null }[]>`select max(number collate "C") as max from invoices where number ~ '^B-[0-9]{9}$'`;
  const nextNumber = numberRow?.max ? Number(numberRow.max.slice(2)) + 1 : 1;

  const g = newState(hash32(seed, current), today, newIds(time, starts), nextNumber);
  g.agents = staff.filter((s) => s.email.startsWith("bench-agent")).map((s) => s.id);
  g.adminId = staff.find((s) => s.email === BENCH_ADMIN_EMAIL)?.id ?? null;
  const ctxs: AccountCtx[] = accountsFound.map((a) => {
    const index = Number(a.number.slice(2));
    if (!a.payer) throw new Error(`growInvoices: account ${a.number} has no contact`);
    return { index, id: a.id, number: a.number, payerId: a.payer, profile: profileFor(seed, index, a.currency === "CAD" ? "CAD" : "USD") };
  });
  // The same skew as seedLarge, capped so that spreading 1M invoices over a quick seed's ~1,000
  // accounts gives no account more than ~4× the average.
  const meanWeight = ctxs.reduce((s, c) => s + c.profile.weight, 0) / ctxs.length;
  const sizes = apportion(added, ctxs.map((c) => Math.min(c.profile.weight, 4 * meanWeight)));
  log(`grow: adding ${added.toLocaleString("en-US")} invoices to ${ctxs.length.toLocaleString("en-US")} accounts (${current.toLocaleString("en-US")} → ${totalInvoices.toLocaleString("en-US")})`);

  const { main: conn, side, release } = await reserveConnections(sql);
  try {
    const writer = new BatchWriter(conn, side, g, log, added, started);
    for (let i = 0; i < ctxs.length; i++) {
      const count = sizes[i]!;
      if (count === 0) continue;
      generateAccount(g, ctxs[i]!, count, { plan: false });
      await writer.maybeFlush();
    }
    await writer.finish();
    log(`grow: generating took ${g.generateSeconds.toFixed(1)} s; COPY seconds by table ${JSON.stringify(roundValues(writer.copySeconds))}`);
    log("grow: vacuum analyze…");
    await vacuumAnalyze(conn, batchTableNames);
  } finally {
    release();
  }
  const seconds = (performance.now() - started) / 1000;
  log(`grow: added ${added.toLocaleString("en-US")} invoices in ${seconds.toFixed(1)} s`);
  return { added, seconds };
}
