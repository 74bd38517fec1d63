import { toIsoDate } from "./dates";

/**
 * The one source of "now" for domain code, so tests can move time instead of sleeping.
 * In production it is the system clock. The override lives on globalThis because the server
 * loads this module twice (the Remix build for routes, the source for the job worker) and
 * both must see the same time.
 */
const holder = ((globalThis as Record<symbol, unknown>)[Symbol.for("eipp.clock")] ??= {}) as { override?: () => Date };

export function now(): Date {
  return holder.override ? holder.override() : new Date();
}

export function today(): string {
  return toIsoDate(now());
}

/** Test and /dev/clock only: pin or shift the clock (pass undefined to restore the system clock). */
export function setClock(fn: (() => Date) | undefined): void {
  holder.override = fn;
}
