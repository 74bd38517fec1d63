import { eq } from "drizzle-orm";
import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { checkEndpointFields } from "./check-endpoint-fields.server";
import { canManageWebhooks, forbidden, type FieldErrors, type Forbidden, type StaffActor } from "./validation";

/** An AR admin changes an endpoint's URL, description and subscribed event types (empty = every type). */
export async function updateEndpoint(input: { staff: StaffActor; endpointId: string; url: string; description: string; eventTypes: string[] }): Promise<{ ok: true } | { ok: false; forbidden?: undefined; notFound?: true; fieldErrors: FieldErrors } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  const checked = await checkEndpointFields({ url: input.url, description: input.description, eventTypes: input.eventTypes });
  if (!checked.values) return { ok: false, fieldErrors: checked.errors };
  const { url, description, eventTypes } = checked.values;
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId)).for("update");
    if (!before) return { ok: false as const, notFound: true as const, fieldErrors: {} };
    await tx.update(webhookEndpoints).set({ url, description, eventTypes, updatedAt: new Date() }).where(eq(webhookEndpoints.id, before.id));
    await recordAudit(tx, {
      actorUserId: input.staff.userId,
      actorType: "user",
      action: "webhook_endpoint.updated",
      subjectType: "webhook_endpoint",
      subjectId: before.id,
      ip: input.staff.ip,
      data: { from: { url: before.url, description: before.description, eventTypes: before.eventTypes }, to: { url, description, eventTypes } },
    });
    return { ok: true as const };
  });
}
