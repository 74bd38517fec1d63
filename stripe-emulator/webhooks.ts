/**
 * Webhook signing (exactly Stripe's scheme, so `stripe.webhooks.constructEvent` accepts it) and
 * at-least-once delivery with retries. First attempts go out one at a time in creation order;
 * a failing delivery waits for its retry on its own timer and never holds up the others.
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

export interface DispatcherOptions {
  url?: string;
  secret: string;
  retryDelaysMs: number[];
  store: Store;
  log: (line: string) => void;
  /** Per attempt; Stripe gives up on an endpoint after a few seconds too. */
  timeoutMs?: number;
}

export class WebhookDispatcher {
  private paused = false;
  private queue: string[] = [];
  private pumping = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: DispatcherOptions) {}

  get enabled(): boolean {
    return Boolean(this.options.url);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private get deliveries(): Record<string, Delivery> {
    return this.options.store.state.deliveries;
  }

  /** Records a delivery for a new event and sends it (unless paused). */
  enqueue(event: Stripe.Event): void {
    if (!this.enabled) return;
    this.deliveries[event.id] = {
      event: event.id,
      type: event.type,
      state: this.paused ? "held" : "pending",
      attempts: 0,
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

  /** Resolves once nothing is queued or being sent (retries may still be scheduled). */
  idle(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inFlight) c.abort();
    this.queue = [];
    await this.idle();
  }

  private push(eventId: string): void {
    this.queue.push(eventId);
    // Start sending only after the current request finished: a request that fails is rolled
    // back, and its events must never leave.
    setImmediate(() => void this.pump());
  }

  private later(eventId: string, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const d = this.deliveries[eventId];
      if (!d || d.state !== "pending") return;
      if (this.paused) d.state = "held";
      else this.push(eventId);
    }, ms);
    timer.unref();
    this.timers.add(timer);
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
        await this.attempt(d);
      }
    } finally {
      this.pumping = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const event = this.options.store.state.events[d.event];
    if (!event || !this.options.url) return;
    const payload = JSON.stringify(event, null, 2);
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 10_000);
    d.attempts += 1;
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
      d.lastStatus = response.status;
      d.lastError = response.ok ? null : `HTTP ${response.status}`;
      if (response.ok) {
        d.state = "delivered";
        d.deliveredAt = Date.now();
        d.nextAttemptAt = null;
        event.pending_webhooks = 0;
      }
    } catch (error) {
      d.lastStatus = null;
      d.lastError = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    if (d.state !== "delivered" && !this.stopped) this.scheduleRetry(d);
    this.options.log(`webhook ${d.event} ${d.type} attempt ${d.attempts}: ${d.state === "delivered" ? "delivered" : d.lastError}`);
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
