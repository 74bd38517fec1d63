/**
 * The emulator's core, shared by every resource: the store, the clock, event emission and the
 * timeline of delayed work (ACH settlement, disputes, session expiry).
 */
import type Stripe from "stripe";
import { type Job, Store } from "./store";
import { type ChaosOptions, WebhookDispatcher } from "./webhooks";
import { newId, type Params } from "./wire";

/**
 * The API version the stripe SDK pins (stripe-node 23.1.0); events are rendered at it. `satisfies`
 * makes an SDK upgrade that moves the version fail the typecheck; tests/api-version.test.ts checks
 * the value against the installed SDK at run time.
 */
export const API_VERSION = "2026-10-28.endive" satisfies Stripe.LatestApiVersion;

/** Who caused a change: the API request (its id and idempotency key) or nobody (a timer). */
export interface RequestContext {
  requestId: string | null;
  idempotencyKey: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const NO_REQUEST: RequestContext = { requestId: null, idempotencyKey: null, ip: null, userAgent: null };

export interface ApiCall {
  params: Params;
  /** Captures of the route pattern (ids in the path). */
  ids: string[];
  req: RequestContext;
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  path: RegExp;
  handle(em: Emulator, call: ApiCall): object;
}

export interface CoreOptions {
  publicUrl: string;
  webhookUrl?: string;
  webhookSecret: string;
  achSettleDelayMs: number;
  webhookRetryDelaysMs: number[];
  /** "chaos" webhook delivery (late, out of order, twice); absent = ordered. */
  webhookChaos?: ChaosOptions;
  /** How long after a dispute-triggering payment the dispute opens. */
  disputeDelayMs: number;
  stateFile?: string;
  /** Shown on the hosted pages and in the ACH mandate text. */
  merchantName: string;
  log: (line: string) => void;
}

type JobHandler = (em: Emulator, job: Job) => void;

export class Emulator {
  readonly store: Store;
  readonly webhooks: WebhookDispatcher;
  private timer: NodeJS.Timeout | undefined;
  private handlers: Partial<Record<Job["kind"], JobHandler>> = {};

  constructor(readonly options: CoreOptions) {
    this.store = new Store(options.stateFile);
    this.webhooks = new WebhookDispatcher({
      url: options.webhookUrl,
      secret: options.webhookSecret,
      retryDelaysMs: options.webhookRetryDelaysMs,
      chaos: options.webhookChaos,
      store: this.store,
      log: options.log,
    });
  }

  get state() {
    return this.store.state;
  }

  get merchantName(): string {
    return this.options.merchantName;
  }

  /** Unix seconds, Stripe's unit for every timestamp. */
  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  /**
   * Stores an event with a snapshot of `object` (later changes don't alter it) and queues its
   * delivery. `previous` holds the changed fields' old values, as on `*.updated` events.
   */
  emit(type: Stripe.Event.Type, object: object, req: RequestContext, previous?: Record<string, unknown>): Stripe.Event {
    const event = {
      id: newId("evt_"),
      object: "event" as const,
      api_version: API_VERSION,
      created: this.now(),
      data: { object: structuredClone(object), ...(previous ? { previous_attributes: structuredClone(previous) } : {}) },
      livemode: false,
      pending_webhooks: this.webhooks.enabled ? 1 : 0,
      request: { id: req.requestId, idempotency_key: req.idempotencyKey },
      type,
    } as unknown as Stripe.Event;
    this.state.events[event.id] = event;
    this.webhooks.enqueue(event);
    if (this.webhooks.wantsTwin()) {
      const twin = { ...structuredClone(event), id: newId("evt_") };
      this.state.events[twin.id] = twin;
      this.webhooks.enqueue(twin);
    }
    this.store.changed();
    return event;
  }

  // -------------------------------------------------------------------------------------------
  // Delayed work: one timer armed for the earliest job, so state files can hold the timeline.

  onJob(kind: Job["kind"], handler: JobHandler): void {
    this.handlers[kind] = handler;
  }

  schedule(job: Job): void {
    this.state.jobs.push(job);
    this.store.changed();
    this.arm();
  }

  /** Runs and removes the jobs `match` selects, whatever their due time (the control endpoint). */
  runJobs(match: (job: Job) => boolean): Job[] {
    const selected = this.state.jobs.filter(match);
    this.state.jobs = this.state.jobs.filter((j) => !selected.includes(j));
    for (const job of selected) {
      try {
        this.handlers[job.kind]?.(this, job);
      } catch (error) {
        this.options.log(`job ${job.kind} ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.store.changed();
    this.arm();
    return selected;
  }

  cancelJobs(match: (job: Job) => boolean): void {
    this.state.jobs = this.state.jobs.filter((j) => !match(j));
    this.arm();
  }

  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.state.jobs.map((j) => j.at).filter((at): at is number => at !== null);
    if (due.length === 0) return;
    // setTimeout caps at ~24.8 days; re-arming on wake-up covers longer waits.
    const wait = Math.min(Math.max(0, Math.min(...due) - Date.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      this.runJobs((j) => j.at !== null && j.at <= now);
    }, wait);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.webhooks.stop();
    this.store.flush();
  }
}
