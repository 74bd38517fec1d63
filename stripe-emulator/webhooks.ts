/**
 * Webhook signing (exactly Stripe's scheme, so `stripe.webhooks.constructEvent` accepts it) and
 * at-least-once delivery with retries. "ordered" delivery (the default) sends first attempts one
 * at a time in creation order; "chaos" delivery does what Stripe is allowed to do — late, out of
 * order, concurrently and twice — reproducibly from a seed. Either way a failing delivery waits
 * for its retry on its own timer and never holds up the others.
 */
import { createHmac, randomBytes } from "node:crypto";
import type Stripe from "stripe";
import type { Delivery, Store } from "./store";

/** Hex HMAC-SHA256 of `${timestamp}.${payload}`, keyed with the whole `whsec_…` string as UTF-8. */
export function computeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
}

/** `t=…,v1=…,v0=…`: test mode also sends a meaningless v0, which verifiers must ignore. */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${computeSignature(payload, secret, timestamp)},v0=${randomBytes(32).toString("hex")}`;
}

/** How "chaos" delivery misbehaves. Every random choice comes from `seed`, in event order. */
export interface ChaosOptions {
  seed: number;
  /** Each first attempt waits a random 0…maxDelayMs, so events within that window arrive in any order. */
  maxDelayMs: number;
  /** Share of events also sent a second time, at its own random delay (so sometimes first). */
  duplicateRate: number;
  /**
   * Share of events that get a twin: a second event, with its own id, for the same change —
   * Stripe sometimes creates two, which deduplicating by event id alone does not catch.
   */
  twinRate: number;
}

export interface DispatcherOptions {
  url?: string;
  secret: string;
  retryDelaysMs: number[];
  store: Store;
  log: (line: string) => void;
  /** Per attempt; Stripe gives up on an endpoint after a few seconds too. */
  timeoutMs?: number;
  /** Absent: ordered, immediate, once. */
  chaos?: ChaosOptions;
}

/** mulberry32: a tiny seeded PRNG, enough to make a chaotic run repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class WebhookDispatcher {
  private paused = false;
  private queue: string[] = [];
  private pumping = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  /** Attempts running outside the ordered pump (chaos sends and their duplicates). */
  private readonly running = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  private readonly random: (() => number) | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.random = options.chaos ? seededRandom(options.chaos.seed) : undefined;
  }

  get enabled(): boolean {
    return Boolean(this.options.url);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private get deliveries(): Record<string, Delivery> {
    return this.options.store.state.deliveries;
  }

  /** Chaos mode: whether this event gets a twin (drawn in event order, like every chaos choice). */
  wantsTwin(): boolean {
    const chaos = this.options.chaos;
    return Boolean(this.enabled && chaos && this.random && chaos.twinRate > 0 && this.random() < chaos.twinRate);
  }

  /** Records a delivery for a new event and sends it (unless paused). */
  enqueue(event: Stripe.Event): void {
    if (!this.enabled) return;
    this.deliveries[event.id] = {
      event: event.id,
      type: event.type,
      state: this.paused ? "held" : "pending",
      attempts: 0,
      duplicates: 0,
      lastStatus: null,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: null,
    };
    if (!this.paused) this.push(event.id);
  }

  /** After loading a state file: resend what was pending (or held by a pause that ended with the process). */
  restore(): void {
    for (const d of Object.values(this.deliveries)) {
      if (d.state === "held") d.state = "pending";
      if (d.state !== "pending") continue;
      const wait = (d.nextAttemptAt ?? 0) - Date.now();
      if (wait > 0) this.later(d.event, wait);
      else this.push(d.event);
    }
  }

  pause(): void {
    this.paused = true;
  }

  /** Sends the backlog collected while paused, oldest first. */
  resume(): number {
    this.paused = false;
    const held = Object.values(this.deliveries).filter((d) => d.state === "held");
    for (const d of held) {
      d.state = "pending";
      this.push(d.event);
    }
    this.options.store.changed();
    return held.length;
  }

  /** Forgets the backlog collected while paused: those events stay in /v1/events but never arrive. */
  drop(): number {
    const held = Object.values(this.deliveries).filter((d) => d.state === "held");
    for (const d of held) d.state = "dropped";
    this.options.store.changed();
    return held.length;
  }

  list(): Delivery[] {
    return Object.values(this.deliveries);
  }

  /** Resolves once nothing is queued or being sent (retries and chaos sends may still be scheduled). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    if (!this.pumping && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inFlight) c.abort();
    this.queue = [];
    await this.idle();
  }

  /** A first attempt: into the ordered queue, or scattered in time (and maybe doubled) in chaos mode. */
  private push(eventId: string): void {
    const chaos = this.options.chaos;
    if (chaos && this.random) {
      // Drawn now, in event order, so one seed always gives the same delays and duplicates.
      this.at(Math.floor(this.random() * chaos.maxDelayMs), () => this.sendUnordered(eventId));
      if (this.random() < chaos.duplicateRate) this.at(Math.floor(this.random() * chaos.maxDelayMs), () => this.sendDuplicate(eventId));
      return;
    }
    this.queue.push(eventId);
    // Start sending only after the current request finished: a request that fails is rolled
    // back, and its events must never leave.
    setImmediate(() => void this.pump());
  }

  private at(ms: number, run: () => void): void {
    // Even a 0 ms wait runs after the current request finished (and was rolled back if refused).
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private later(eventId: string, ms: number): void {
    this.at(ms, () => {
      const d = this.deliveries[eventId];
      if (!d || d.state !== "pending") return;
      if (this.paused) d.state = "held";
      else if (this.options.chaos) this.sendUnordered(eventId);
      else this.push(eventId);
    });
  }

  private track(attempt: Promise<void>): void {
    this.running.add(attempt);
    void attempt.finally(() => this.running.delete(attempt));
  }

  /** A chaos-mode attempt of the delivery itself: concurrent with others, retried like any. */
  private sendUnordered(eventId: string): void {
    const d = this.deliveries[eventId];
    if (!d || d.state !== "pending") return;
    if (this.paused) {
      d.state = "held";
      return;
    }
    this.track(this.attempt(eventId));
  }

  /** The second copy Stripe may send: a full, signed delivery that changes no delivery state. */
  private sendDuplicate(eventId: string): void {
    const d = this.deliveries[eventId];
    if (!d || d.state === "dropped" || d.state === "held" || this.paused) return;
    this.track(this.attempt(eventId, true));
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const id = this.queue.shift()!;
        const d = this.deliveries[id];
        if (!d || d.state !== "pending") continue;
        if (this.paused) {
          d.state = "held";
          continue;
        }
        await this.attempt(id);
      }
    } finally {
      this.pumping = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * One POST of the event. The delivery and event are looked up by id again after the request:
   * the state may have changed meanwhile (a reset), and the outcome must land in the live state.
   */
  private async attempt(eventId: string, duplicate = false): Promise<void> {
    const event = this.options.store.state.events[eventId];
    const before = this.deliveries[eventId];
    if (!event || !before || !this.options.url) return;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 10_000);
    if (duplicate) before.duplicates = (before.duplicates ?? 0) + 1;
    else before.attempts += 1;
    let status: number | null = null;
    let failure: string | null = null;
    try {
      const response = await fetch(this.options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": signatureHeader(payload, this.options.secret, timestamp),
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: payload,
        // Any non-2xx counts as a failure, redirects included (as on Stripe).
        redirect: "manual",
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      status = response.status;
      failure = response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    const d = this.deliveries[eventId];
    this.options.log(`webhook ${eventId} ${before.type} ${duplicate ? "duplicate" : `attempt ${before.attempts}`}: ${failure ?? "delivered"}`);
    // Gone (reset) or a duplicate: the delivery's own attempts decide its state and retries.
    if (!d || duplicate) return;
    d.lastStatus = status;
    d.lastError = failure;
    if (failure === null) {
      d.state = "delivered";
      d.deliveredAt = Date.now();
      d.nextAttemptAt = null;
      const live = this.options.store.state.events[eventId];
      if (live) live.pending_webhooks = 0;
    } else if (!this.stopped) this.scheduleRetry(d);
    this.options.store.changed();
  }

  private scheduleRetry(d: Delivery): void {
    const delay = this.options.retryDelaysMs[d.attempts - 1];
    if (delay === undefined) {
      d.state = "failed";
      d.nextAttemptAt = null;
      return;
    }
    d.nextAttemptAt = Date.now() + delay;
    this.later(d.event, delay);
  }
}
