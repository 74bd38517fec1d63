/**
 * All emulator state in one plain JSON-able object, so persistence is a single file write and a
 * reset is a single assignment. Stripe objects are stored with the SDK's own types; what Stripe
 * keeps private (full card numbers, the off-session setup flag) lives beside them in `secrets`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type Stripe from "stripe";

/** What the emulator remembers about a PaymentMethod that Stripe never shows. */
export interface PaymentMethodSecret {
  /** Full card number or bank account number: decides every outcome (see test-values.ts). */
  testNumber: string;
  /** Set up for off-session use (a SetupIntent, or a payment with setup_future_usage). */
  offSessionReady: boolean;
  /** Used once without a customer: Stripe refuses to use such a PaymentMethod again. */
  consumed: boolean;
  /** The multi-use mandate collected for a bank account, reused by off-session debits. */
  mandate: string | null;
  /** A bank account verified by microdeposits (absent in older state files = not by microdeposits). */
  verified?: boolean;
}

/** An intent waiting for its bank account's microdeposits to be verified. */
export interface MicrodepositVerification {
  paymentMethod: string;
  mandate: string | null;
  attempts: number;
  /** Unix seconds: after this the verification times out. */
  deadline: number;
}

/** What a Checkout Session was asked to put on the intent it creates (not echoed by Stripe). */
export interface SessionExtras {
  paymentIntentData: {
    metadata: Stripe.Metadata;
    description: string | null;
    setupFutureUsage: "on_session" | "off_session" | null;
    receiptEmail: string | null;
    statementDescriptor: string | null;
    statementDescriptorSuffix: string | null;
  };
  setupIntentData: { metadata: Stripe.Metadata; description: string | null };
  lineItems: Stripe.LineItem[];
}

/** Work due later. `at` is epoch ms; null = only when the control endpoint asks. */
export type Job =
  | { kind: "settle_payment"; id: string; at: number | null }
  | { kind: "settle_refund"; id: string; at: number | null }
  | { kind: "dispute"; id: string; at: number }
  | { kind: "expire_session"; id: string; at: number }
  /** The 10-day microdeposit window of an intent (pi_ or seti_) closes. */
  | { kind: "microdeposit_timeout"; id: string; at: number };

export interface IdempotencyRecord {
  method: string;
  path: string;
  fingerprint: string;
  createdAt: number;
  requestId: string;
  /** Missing while the first request is still running. */
  response?: { status: number; body: string };
}

export interface Delivery {
  event: string;
  type: string;
  /** pending: queued or waiting for a retry; held: created while deliveries are paused. */
  state: "pending" | "held" | "delivered" | "failed" | "dropped";
  attempts: number;
  /** Extra copies sent by "chaos" delivery (missing in older state files). */
  duplicates?: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface State {
  customers: Record<string, Stripe.Customer>;
  paymentMethods: Record<string, Stripe.PaymentMethod>;
  paymentIntents: Record<string, Stripe.PaymentIntent>;
  setupIntents: Record<string, Stripe.SetupIntent>;
  checkoutSessions: Record<string, Stripe.Checkout.Session>;
  charges: Record<string, Stripe.Charge>;
  refunds: Record<string, Stripe.Refund>;
  mandates: Record<string, Stripe.Mandate>;
  disputes: Record<string, Stripe.Dispute>;
  balanceTransactions: Record<string, Stripe.BalanceTransaction>;
  events: Record<string, Stripe.Event>;
  secrets: {
    paymentMethods: Record<string, PaymentMethodSecret>;
    sessions: Record<string, SessionExtras>;
    /** By intent id (pi_ or seti_); missing in older state files. */
    microdeposits?: Record<string, MicrodepositVerification>;
  };
  jobs: Job[];
  idempotency: Record<string, IdempotencyRecord>;
  deliveries: Record<string, Delivery>;
}

export function emptyState(): State {
  return {
    customers: {},
    paymentMethods: {},
    paymentIntents: {},
    setupIntents: {},
    checkoutSessions: {},
    charges: {},
    refunds: {},
    mandates: {},
    disputes: {},
    balanceTransactions: {},
    events: {},
    secrets: { paymentMethods: {}, sessions: {}, microdeposits: {} },
    jobs: [],
    idempotency: {},
    deliveries: {},
  };
}

type Collection = Exclude<keyof State, "secrets" | "jobs" | "idempotency" | "deliveries">;

/** Id prefix → collection, for expand and for "No such …" lookups by id alone. */
const PREFIXES: [string, Collection][] = [
  ["cus_", "customers"],
  ["pm_", "paymentMethods"],
  ["pi_", "paymentIntents"],
  ["seti_", "setupIntents"],
  ["cs_", "checkoutSessions"],
  ["ch_", "charges"],
  ["py_", "charges"],
  ["re_", "refunds"],
  ["mandate_", "mandates"],
  ["dp_", "disputes"],
  ["txn_", "balanceTransactions"],
  ["evt_", "events"],
];

/**
 * Makes `live` hold exactly `saved`'s entries, in `saved`'s order (creation order is list order),
 * reusing the live object wherever the entry is unchanged.
 */
function restoreRecords(live: Record<string, unknown>, saved: Record<string, unknown>): void {
  const keep = new Map<string, unknown>();
  for (const [id, value] of Object.entries(saved)) keep.set(id, id in live && JSON.stringify(live[id]) === JSON.stringify(value) ? live[id] : value);
  for (const id of Object.keys(live)) delete live[id];
  for (const [id, value] of keep) live[id] = value;
}

export class Store {
  state: State = emptyState();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      // A state file from an older shape still loads: missing collections start empty.
      this.state = { ...emptyState(), ...(JSON.parse(readFileSync(file, "utf8")) as Partial<State>) };
      this.state.secrets.microdeposits ??= {};
      // A request cut short by the restart never answered: its key must not stay "in use".
      for (const [key, record] of Object.entries(this.state.idempotency)) if (!record.response) delete this.state.idempotency[key];
    }
  }

  /** The stored object an id names, whatever its kind. */
  resolve(id: string): object | undefined {
    const entry = PREFIXES.find(([prefix]) => id.startsWith(prefix));
    return entry ? (this.state[entry[1]] as Record<string, object>)[id] : undefined;
  }

  /** Objects newest first: insertion order of string keys is creation order (and survives JSON). */
  newestFirst<K extends Collection>(collection: K): State[K][string][] {
    return Object.values(this.state[collection]).reverse() as State[K][string][];
  }

  /** A deep copy to roll a refused write back to (`restore`). */
  checkpoint(): State {
    return structuredClone(this.state);
  }

  /**
   * Undoes a refused write in place. The state object, its collections and every object the
   * write did not change keep their identity, so work that outlives the request (a webhook
   * delivery in flight, holding its Delivery and Event) still updates the live state. Swapping
   * in the copy instead lost those updates and left deliveries `pending` forever.
   */
  restore(checkpoint: State): void {
    const live = this.state as unknown as Record<string, unknown>;
    for (const [key, saved] of Object.entries(checkpoint)) {
      const current = live[key];
      if (Array.isArray(saved) && Array.isArray(current)) current.splice(0, current.length, ...(saved as unknown[]));
      else if (key === "secrets") for (const [kind, records] of Object.entries(saved as State["secrets"])) restoreRecords((current as Record<string, Record<string, unknown>>)[kind]!, records);
      else if (current && typeof current === "object") restoreRecords(current as Record<string, unknown>, saved as Record<string, unknown>);
      else live[key] = saved;
    }
  }

  reset(): void {
    this.state = emptyState();
    this.changed();
  }

  /** Debounced save: many changes in one request cost one write. */
  changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 100);
    this.saveTimer.unref();
  }

  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file) return;
    mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a truncated state file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }
}
