import type { AppLoadContext } from "@remix-run/node";

/** The client facts domain functions record: address (for limits and audit) and user agent. */
export function clientOf(request: Request, context: AppLoadContext): { ip: string | null; userAgent: string | null } {
  return { ip: context.clientIp ?? null, userAgent: request.headers.get("user-agent") };
}

/** Reads a form body as a plain object for a zod schema. */
export async function formValues(request: Request): Promise<Record<string, string>> {
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === "string") values[key] = value;
  return values;
}

export function minutesText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? "a minute" : `${minutes} minutes`;
}
