import { eq } from "drizzle-orm";
import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { checkEndpointFields } from "./check-endpoint-fields.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { forbidden, isProblem, notFound, type Problem } from "~/utils/problem";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, WEBHOOKS_FORBIDDEN } from "./validation";

/** An AR admin changes an endpoint's URL, description and subscribed event types (empty = every type). */
export async function updateEndpoint(actor: Actor, input: { endpointId: string; url: string; description?: string; eventTypes?: string[] }): Promise<{ endpointId: string } | Problem> {
  if (!canManageWebhooks(actor)) return forbidden(WEBHOOKS_FORBIDDEN);
  const checked = await checkEndpointFields(input);
  if (isProblem(checked)) return checked;
  const { url, description, eventTypes } = checked;
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, input.endpointId)).for("update");
    if (!before) return notFound(ENDPOINT_NOT_FOUND);
    await tx.update(webhookEndpoints).set({ url, description, eventTypes, updatedAt: new Date() }).where(eq(webhookEndpoints.id, before.id));
    await recordAudit(tx, {
      ...auditActor(actor),
      action: "webhook_endpoint.updated",
      subjectType: "webhook_endpoint",
      subjectId: before.id,
      data: { from: { url: before.url, description: before.description, eventTypes: before.eventTypes }, to: { url, description, eventTypes } },
    });
    return { endpointId: before.id };
  });
}
