import type { z as z4 } from "zod";
import type { ApiErrorCodeOut } from "~/modules/api/schemas";
import { singleLineProblem } from "~/utils/text";

/** What one ingest operation answers: an HTTP status and a JSON body (a route sends it; the batch collects it). */
export interface IngestResult {
  status: number;
  body: unknown;
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** A refusal with the API's error shape. Use cases throw it; `toResult` turns it into an IngestResult. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCodeOut,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
  }

  toResult(): IngestResult {
    return { status: this.status, body: { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } } };
  }
}

/** Validates a request body, or throws 422 `invalid_request` with one detail per problem. */
export function parseBody<S extends z4.ZodType>(schema: S, body: unknown): z4.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(body)", message: issue.message }));
  throw new IngestError(422, "invalid_request", "The request body is invalid; see details.", details);
}

/** External ids in paths: 1–100 characters, one line, no control or bidi characters. */
export function checkExternalId(externalId: string | undefined): string {
  if (!externalId || externalId.length > 100) throw new IngestError(422, "invalid_request", "The external id in the path must be 1–100 characters.", [{ path: "external_id", message: "1–100 characters." }]);
  const problem = singleLineProblem(externalId);
  if (problem) throw new IngestError(422, "invalid_request", `The external id in the path is not valid: ${problem}`, [{ path: "external_id", message: problem }]);
  return externalId;
}

/** Runs a use case and turns an IngestError into its result (anything else is a bug and propagates). */
export async function toResult(run: () => Promise<IngestResult>): Promise<IngestResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IngestError) return error.toResult();
    throw error;
  }
}

/** Postgres unique violation on the named constraint (a concurrent writer won the race). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } };
  const pg = e?.code ? e : e?.cause;
  return pg?.code === "23505" && pg.constraint_name === constraint;
}
