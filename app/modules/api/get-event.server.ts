import { eq } from "drizzle-orm";
import { events } from "#db/schema/events";
import { db } from "~/db.server";
import { hasScope, type Actor } from "~/modules/auth/actor";
import { Problem } from "~/utils/problem";
import { feedForbidden } from "./list-events.server";
import type { ApiEventOut } from "./schemas";
import { toApiEvent } from "./serialize-event";

/** One committed event by id, for a key with `events:read`. */
export async function getEvent(actor: Actor, id: string): Promise<ApiEventOut | Problem> {
  if (!hasScope(actor, "events:read")) return feedForbidden();
  const missing = new Problem("not_found", "No event with this id.", { code: "not_found" });
  if (id.length > 64) return missing;
  const [row] = await db.select().from(events).where(eq(events.id, id));
  return row ? toApiEvent(row) : missing;
}
