import { and, eq, isNull } from "drizzle-orm";
import { webhookEndpoints } from "#db/schema/integrations";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { nudgeFanOut } from "~/modules/events/record-event.server";
import { canManageWebhooks, forbidden, type Forbidden, type StaffActor } from "./validation";

/**
 * Turns deliveries to an endpoint on or off. Re-enabling clears the reason and fans out the
 * events it missed meanwhile (up to the fan-out's look-back); skipped ones can be replayed.
 */
export async function setEndpointEnabled(input: { staff: StaffActor; endpointId: string; enabled: boolean }): Promise<{ ok: true } | { ok: false; forbidden?: undefined } | Forbidden> {
  if (!canManageWebhooks(input.staff)) return forbidden();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, input.endpointId), isNull(webhookEndpoints.deletedAt))).for("update");
    // A deleted endpoint cannot be turned back on.
    if (!endpoint) return { ok: false as const };
    await tx
      .update(webhookEndpoints)
      .set({ enabled: input.enabled, disabledReason: input.enabled ? null : "Disabled by the AR team.", updatedAt: new Date() })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await recordAudit(tx, { actorUserId: input.staff.userId, actorType: "user", action: input.enabled ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled", subjectType: "webhook_endpoint", subjectId: endpoint.id, ip: input.staff.ip });
    if (input.enabled) await nudgeFanOut(tx);
    return { ok: true as const };
  });
}
