import { eq } from "drizzle-orm";
import { events } from "#db/schema/events";
import { db } from "~/db.server";
import type { ApiEventOut } from "./schemas";
import { toApiEvent } from "./serialize-event";

/** One committed event by id, or null. */
export async function getEvent(id: string): Promise<ApiEventOut | null> {
  if (id.length > 64) return null;
  const [row] = await db.select().from(events).where(eq(events.id, id));
  return row ? toApiEvent(row) : null;
}
