import type { z as z4 } from "zod";
import { invalid, Problem } from "~/utils/problem";
import { auditActor, hasScope, isStaffActor, type Actor } from "~/modules/auth/actor";
import type { ApiScope } from "~/modules/api/scopes";
import { hasNul, NUL_MESSAGE } from "~/utils/nul";
import { singleLineProblem } from "~/utils/text";

/**
 * What an ingest use case answers: the record as the API shows it, and whether this call created
 * it (the API answers 201) or found or changed an existing one (200). Refusals are Problems with
 * the API's contract `code` (`number_taken`, `invoice_locked`…) and per-field `fields` (its `details`).
 */
export interface Ingested<T> {
  created: boolean;
  record: T;
}

/**
 * Who may push data in: an API key with the operation's scope, or AR staff (the CSV import acts as
 * the staff member who runs it).
 */
export function ingestRefusal(actor: Actor, scope: ApiScope): Problem | null {
  if (hasScope(actor, scope) || isStaffActor(actor)) return null;
  const message = actor.kind === "api_key" ? `This API key lacks the "${scope}" scope.` : `Only the AR team or an API key with the "${scope}" scope can do this.`;
  return new Problem("forbidden", message, { code: "insufficient_scope" });
}

/** Who did it, for audit rows: the actor's columns, and the API key's id in the data when it was one. */
export function ingestAudit(actor: Actor) {
  return { ...auditActor(actor), by: actor.kind === "api_key" ? { apiKeyId: actor.keyId } : {} };
}

/**
 * A refusal found inside a transaction must roll back what the transaction wrote: `refuse` throws
 * it, `refusable` (around the use case's work) returns its Problem. The use case itself never
 * throws a Problem at its caller.
 */
class Refusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

export function refuse(problem: Problem): never {
  throw new Refusal(problem);
}

export async function refusable<T>(run: () => Promise<T>): Promise<T | Problem> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Refusal) return error.problem;
    throw error;
  }
}

/** The synchronous twin of `refusable`, for checks that read nothing (`prepareInvoice`). */
export function refusableSync<T>(run: () => T): T | Problem {
  try {
    return run();
  } catch (error) {
    if (error instanceof Refusal) return error.problem;
    throw error;
  }
}

export const BODY_INVALID = "The request body is invalid; see details.";

/** Per-field messages from zod issues; two issues on one field are said together. */
export function issuesAsFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join(".") || "(body)";
    fields[path] = fields[path] ? `${fields[path]} ${issue.message}` : issue.message;
  }
  return fields;
}

/** Validates a request body, or refuses with `invalid_request` and one field per problem. */
export function parseBody<S extends z4.ZodType>(schema: S, body: unknown): z4.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  refuse(invalid(BODY_INVALID, { code: "invalid_request", fields: issuesAsFields(parsed.error.issues) }));
}

/** External ids in paths: 1–100 characters, one line, no control or bidi characters. */
export function checkExternalId(externalId: string | undefined): string {
  // U+0000 would fail every query on the id.
  if (externalId !== undefined && hasNul(externalId)) refuse(invalid("The external id is invalid; see details.", { code: "invalid_request", fields: { external_id: `The external id ${NUL_MESSAGE}.` } }));
  if (!externalId || externalId.length > 100) refuse(invalid("The external id in the path must be 1–100 characters.", { code: "invalid_request", fields: { external_id: "1–100 characters." } }));
  const problem = singleLineProblem(externalId);
  if (problem) refuse(invalid(`The external id in the path is not valid: ${problem}`, { code: "invalid_request", fields: { external_id: problem } }));
  return externalId;
}

/** Postgres unique violation on the named constraint (a concurrent writer won the race). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } };
  const pg = e?.code ? e : e?.cause;
  return pg?.code === "23505" && pg.constraint_name === constraint;
}
