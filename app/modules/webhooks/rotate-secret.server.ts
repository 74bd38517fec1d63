import { eq } from "drizzle-orm";
import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { now } from "~/utils/clock";
import { newWebhookSecret } from "./signing.server";
import { canManageWebhooks, forbidden, type Forbidden, type StaffActor } from "./validation";

export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 3600_000;

/** New signing secret, returned once; the old one keeps signing alongside it for 24 hours. */
export async function rotateSecret(input: { staff: StaffActor; endpointId: string }): Promise<{ ok: true; secret: string; previousExpiresAt: Date } | { ok: false; forbidden?: undefined } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId)).for("update");
    if (!endpoint) return { ok: false as const };
    const secret = newWebhookSecret();
    const previousExpiresAt = new Date(now().getTime() + PREVIOUS_SECRET_VALIDITY_MS);
    await tx.update(webhookEndpoints).set({ secret, previousSecret: endpoint.secret, previousSecretExpiresAt: previousExpiresAt, updatedAt: new Date() }).where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: "webhook_endpoint.secret_rotated", subjectType: "webhook_endpoint", subjectId: endpoint.id, ip: input.staff.ip, data: { previousExpiresAt: previousExpiresAt.toISOString() } });
    return { ok: true as const, secret, previousExpiresAt };
  });
}
