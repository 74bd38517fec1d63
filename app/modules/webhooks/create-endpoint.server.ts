import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { checkEndpointFields } from "./check-endpoint-fields.server";
import { newWebhookSecret } from "./signing.server";
import { canManageWebhooks, forbidden, type FieldErrors, type Forbidden, type StaffActor } from "./validation";

/** An AR admin adds a back-office endpoint. The secret is returned here once and never shown again. */
export async function createEndpoint(input: { staff: StaffActor; url: string; description?: string; eventTypes?: string[] }): Promise<{ ok: true; endpointId: string; secret: string } | { ok: false; forbidden?: undefined; fieldErrors: FieldErrors } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  const checked = await checkEndpointFields({ url: input.url, description: input.description ?? "", eventTypes: input.eventTypes ?? [] });
  if (!checked.values) return { ok: false, fieldErrors: checked.errors };
  const { url, description, eventTypes } = checked.values;
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(webhookEndpoints).values({ url, description, eventTypes, secret, createdByUserId: input.staff.userId }).returning({ id: webhookEndpoints.id });
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "webhook_endpoint.created", subjectType: "webhook_endpoint", subjectId: row!.id, ip: input.staff.ip, data: { url, eventTypes } });
    return { ok: true as const, endpointId: row!.id, secret };
  });
}
