/**
 * The one way a use case says no. A use case returns its data or a Problem (it never throws
 * HTTP Responses and never returns `{ ok: false }` shapes); routes map a Problem to HTTP in one
 * place (`problem-response.server.ts`), the API to its JSON error (`api/errors.ts`).
 *
 * - not_found: the thing does not exist *for this actor* (another tenant's record is not_found, not forbidden);
 * - forbidden: it exists and the actor may see it, but may not do this (an agent managing API keys);
 * - conflict: the request is well formed but the current state refuses it (a paid invoice, a plan already ended);
 * - invalid: the input is wrong; `fields` names the fields and what is wrong with each;
 * - rate_limited: too many attempts; `retryAfterSeconds` says when to try again.
 */
export type ProblemKind = "not_found" | "forbidden" | "conflict" | "invalid" | "rate_limited";

export interface ProblemDetails {
  /** Field name (a path like "lines.0.quantity" for the API) → message, for forms and the API's `details`. */
  fields?: Record<string, string>;
  retryAfterSeconds?: number;
  /** A machine-readable code where a contract names one (the API's `invoice_locked`, `number_taken`…). */
  code?: string;
}

export class Problem {
  readonly fields: Readonly<Record<string, string>>;
  readonly retryAfterSeconds?: number;
  readonly code?: string;
  constructor(
    readonly kind: ProblemKind,
    readonly message: string,
    details: ProblemDetails = {},
  ) {
    this.fields = details.fields ?? {};
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.code = details.code;
  }
}

export const isProblem = (value: unknown): value is Problem => value instanceof Problem;

export const notFound = (message = "Not found.") => new Problem("not_found", message);
export const forbidden = (message: string) => new Problem("forbidden", message);
export const conflict = (message: string, details: Omit<ProblemDetails, "retryAfterSeconds"> = {}) => new Problem("conflict", message, details);
export const invalid = (message: string, details: Omit<ProblemDetails, "retryAfterSeconds"> = {}) => new Problem("invalid", message, details);
export const rateLimited = (message: string, retryAfterSeconds: number) => new Problem("rate_limited", message, { retryAfterSeconds });

/** A single wrong field: the message is shown at the field (and not repeated as the form's summary). */
export const invalidField = (field: string, message: string, code?: string) => new Problem("invalid", message, { fields: { [field]: message }, code });
