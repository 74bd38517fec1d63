import { sql } from "drizzle-orm";
import { webhookDeliveries } from "#db/schema/integrations";
import { db } from "~/db.server";
import { nudgeFanOut } from "~/modules/events/record-event.server";
import { bulkInsert } from "~/utils/bulk-insert.server";
import { now } from "~/utils/clock";
import { TEST_EVENT_TYPE } from "./event-types";
import { requestDelivery } from "./schedule-delivery.server";

const BATCH = 1000;

/**
 * Creates the missing deliveries: one per (enabled endpoint, event of a subscribed type written
 * since the endpoint was created) and nudges the one batch delivery job. No cursor is kept: the
 * unique (endpoint, event) pair is the memory, so an event whose transaction commits late is still
 * picked up on the next run. Looks back 7 days at most so a run stays cheap.
 */
export async function fanOutEvents(options: { limit?: number } = {}): Promise<{ created: number }> {
  const limit = options.limit ?? BATCH;
  return db.transaction(async (tx) => {
    const candidates = await tx.execute<{ endpoint_id: string; event_id: string }>(sql`
      select ep.id as endpoint_id, e.id as event_id
      from events e
      join webhook_endpoints ep
        on ep.enabled
       and ep.deleted_at is null
       and e.created_at >= ep.created_at
       and (cardinality(ep.event_types) = 0 or e.type = any(ep.event_types))
      where e.type <> ${TEST_EVENT_TYPE}
        and e.created_at > now() - interval '7 days'
        and not exists (select 1 from webhook_deliveries d where d.endpoint_id = ep.id and d.event_id = e.id)
      order by e.seq, ep.id
      limit ${limit + 1}`);
    const rows = [...candidates].slice(0, limit);
    if (rows.length === 0) return { created: 0 };
    const at = now();
    const created = await bulkInsert(tx, webhookDeliveries, rows.map((r) => ({ endpointId: r.endpoint_id, eventId: r.event_id, status: "pending" as const, nextAttemptAt: at })), { skipConflicts: true });
    if (created.length > 0) await requestDelivery(tx);
    // More than one batch waiting: run again straight away rather than in a minute.
    if (candidates.length > limit) await nudgeFanOut(tx);
    return { created: created.length };
  });
}
