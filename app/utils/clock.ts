import { toIsoDate } from "./dates";

/**
 * The one source of "now" for domain code, so tests can move time instead of sleeping.
 * In production it is the system clock.
 */
let override: (() => Date) | undefined;

export function now(): Date {
  return override ? override() : new Date();
}

export function today(): string {
  return toIsoDate(now());
}

/** Test-only: pin the clock (pass undefined to restore the system clock). */
export function setClock(fn: (() => Date) | undefined): void {
  override = fn;
}
