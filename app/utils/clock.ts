import { toIsoDate } from "./dates";

/**
 * The one source of "now" for domain code, so tests can move time instead of sleeping.
 * In production it is the system clock. Plain module state: routes, the job worker and the
 * Stripe intake run from the same build, so they share this one instance (ADR one module
 * graph); a development rebuild hands the override to the new build (server.ts).
 */
let override: (() => Date) | undefined;

export function now(): Date {
  return override ? override() : new Date();
}

export function today(): string {
  return toIsoDate(now());
}

/** Test and /dev/clock only: pin or shift the clock (pass undefined to restore the system clock). */
export function setClock(fn: (() => Date) | undefined): void {
  override = fn;
}

/** The pinned or shifted clock, if any: what a development rebuild carries over. */
export function clockOverride(): (() => Date) | undefined {
  return override;
}
