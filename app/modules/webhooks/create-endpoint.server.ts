import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { checkEndpointFields } from "./check-endpoint-fields.server";
import { newWebhookSecret } from "./signing.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { forbidden, isProblem, type Problem } from "~/utils/problem";
import { canManageWebhooks, WEBHOOKS_FORBIDDEN } from "./validation";

/** An AR admin adds a back-office endpoint. The secret is returned here once and never shown again. */
export async function createEndpoint(actor: Actor, input: { url: string; description?: string; eventTypes?: string[] }): Promise<{ endpointId: string; url: string; secret: string } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  const checked = await checkEndpointFields(input);
  if (isProblem(checked)) return checked;
  const { url, description, eventTypes } = checked;
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(webhookEndpoints).values({ url, description, eventTypes, secret, createdByUserId: actor.userId }).returning({ id: webhookEndpoints.id });
    await recordAudit(tx, { ...auditActor(actor), action: "webhook_endpoint.created", subjectType: "webhook_endpoint", subjectId: row!.id, data: { url, eventTypes } });
    return { endpointId: row!.id, url, secret };
  });
}
