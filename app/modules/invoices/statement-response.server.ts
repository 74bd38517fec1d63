import { isProblem, type Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

/**
 * HTTP glue of the statement downloads: a bad period is a plain-text 400 saying what is wrong
 * (the downloads' contract: a browser shows it as is), anything else the usual mapping.
 */
export function downloadOrThrow<T>(value: T | Problem): T {
  if (isProblem(value) && value.kind === "invalid") throw new Response(value.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return orThrow(value);
}
