import { eq } from "drizzle-orm";
import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { now } from "~/utils/clock";
import { newWebhookSecret } from "./signing.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { forbidden, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 3600_000;

/** New signing secret, returned once; the old one keeps signing alongside it for 24 hours. */
export async function rotateSecret(actor: Actor, input: { endpointId: string }): Promise<{ secret: string; previousExpiresAt: Date } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId)).for("update");
    if (!endpoint) return notFound(ENDPOINT_NOT_FOUND);
    const secret = newWebhookSecret();
    const previousExpiresAt = new Date(now().getTime() + PREVIOUS_SECRET_VALIDITY_MS);
    await tx.update(webhookEndpoints).set({ secret, previousSecret: endpoint.secret, previousSecretExpiresAt: previousExpiresAt, updatedAt: new Date() }).where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, { ...auditActor(actor), action: "webhook_endpoint.secret_rotated", subjectType: "webhook_endpoint", subjectId: endpoint.id, data: { previousExpiresAt: previousExpiresAt.toISOString() } });
    return { secret, previousExpiresAt };
  });
}
