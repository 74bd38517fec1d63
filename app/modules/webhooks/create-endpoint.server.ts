import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { newWebhookSecret } from "./signing.server";
import { endpointFieldErrors, type FieldErrors, type StaffActor } from "./validation";

/** Adds a back-office endpoint. The secret is returned here once and never shown again. */
export async function createEndpoint(input: { staff: StaffActor; url: string; description?: string; eventTypes?: string[] }): Promise<{ ok: true; endpointId: string; secret: string } | { ok: false; fieldErrors: FieldErrors }> {
  const checked = endpointFieldErrors({ url: input.url, description: input.description ?? "", eventTypes: input.eventTypes ?? [] });
  if (!checked.values) return { ok: false, fieldErrors: checked.errors };
  const { url, description, eventTypes } = checked.values;
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(webhookEndpoints).values({ url, description, eventTypes, secret, createdByUserId: input.staff.userId }).returning({ id: webhookEndpoints.id });
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "webhook_endpoint.created", subjectType: "webhook_endpoint", subjectId: row!.id, ip: input.staff.ip, data: { url, eventTypes } });
    return { ok: true as const, endpointId: row!.id, secret };
  });
}
