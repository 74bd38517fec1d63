import { z } from "zod";
import type { UserRole } from "#db/schema/accounts";
import { webhookEventTypes } from "./event-types";
import { singleLineProblem } from "~/utils/text";

/** Who acts: every use case that changes an endpoint or sends to it checks the role itself. */
export interface StaffActor {
  userId: string;
  role: UserRole;
  ip: string | null;
}

/** Endpoints decide where the portal sends requests: only AR admins manage them; agents may look. */
export const canManageWebhooks = (staff: Pick<StaffActor, "role">) => staff.role === "ar_admin";

export type Forbidden = { ok: false; forbidden: true; message: string };
export const forbidden = (): Forbidden => ({ ok: false, forbidden: true, message: "Only an AR admin can manage webhook endpoints." });

export const endpointUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the endpoint URL.")
  .max(2000, "Keep the URL under 2,000 characters.")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, like https://backoffice.example/webhooks." });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: "The URL must start with https:// or http://." });
    else if (url.username || url.password) ctx.addIssue({ code: "custom", message: "Leave user names and passwords out of the URL: deliveries are signed." });
  });

export const descriptionSchema = z
  .string()
  .trim()
  .max(200, "Keep the description under 200 characters.")
  // Shown to staff beside the URL: bidi controls could make it read as something it is not.
  .superRefine((text, ctx) => {
    const problem = singleLineProblem(text);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

export const eventTypesSchema = z.array(z.string()).superRefine((types, ctx) => {
  const unknown = types.filter((t) => !(webhookEventTypes as string[]).includes(t));
  if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `Unknown event type: ${unknown.join(", ")}.` });
});

export type FieldErrors = Partial<Record<"url" | "description" | "eventTypes", string>>;

export function endpointFieldErrors(input: { url?: string; description: string; eventTypes: string[] }): { errors: FieldErrors; values?: { url: string; description: string | null; eventTypes: string[] } } {
  const errors: FieldErrors = {};
  const url = input.url === undefined ? null : endpointUrlSchema.safeParse(input.url);
  if (url && !url.success) errors.url = url.error.issues[0]?.message;
  const description = descriptionSchema.safeParse(input.description);
  if (!description.success) errors.description = description.error.issues[0]?.message;
  const types = eventTypesSchema.safeParse(input.eventTypes);
  if (!types.success) errors.eventTypes = types.error.issues[0]?.message;
  if (Object.keys(errors).length > 0 || !description.success || !types.success) return { errors };
  return { errors, values: { url: url?.success ? url.data : "", description: description.data || null, eventTypes: [...new Set(types.data)].sort() } };
}
