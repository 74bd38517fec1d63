import type { AppLoadContext } from "@remix-run/node";
import { readFormValues } from "./read-form.server";

/** The client facts domain functions record: address (for limits and audit) and user agent. */
export function clientOf(request: Request, context: AppLoadContext): { ip: string | null; userAgent: string | null } {
  return { ip: context.clientIp ?? null, userAgent: request.headers.get("user-agent") };
}

/** Reads a form body as a plain object for a zod schema (a thrown 415/400 when it is not a form). */
export async function formValues(request: Request): Promise<Record<string, string>> {
  return readFormValues(request);
}

export { minutesText } from "./minutes";
