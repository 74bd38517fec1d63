import { and, asc, sql } from "drizzle-orm";
import { events } from "#db/schema/events";
import { db } from "~/db.server";
import { decodeCursor, encodeCursor, START, type FeedPosition } from "./cursor";
import { hasScope, type Actor } from "~/modules/auth/actor";
import { invalid, Problem } from "~/utils/problem";
import { FEED_DEFAULT_LIMIT_DOC, FEED_MAX_LIMIT_DOC } from "./feed-limits";
import type { EventListOut } from "./schemas";
import { toApiEvent } from "./serialize-event";

export const FEED_DEFAULT_LIMIT = FEED_DEFAULT_LIMIT_DOC;
export const FEED_MAX_LIMIT = FEED_MAX_LIMIT_DOC;

export interface FeedQuery {
  after: FeedPosition;
  /** The cursor as the client sent it (or the start cursor), echoed back when nothing is new. */
  cursor: string;
  limit: number;
}

/** Reads `after` and `limit` from the query string (the API answers a Problem here with 400). */
export function parseFeedQuery(searchParams: URLSearchParams): FeedQuery | Problem {
  const rawAfter = searchParams.get("after");
  let after = START;
  if (rawAfter !== null && rawAfter !== "") {
    const decoded = decodeCursor(rawAfter);
    if (!decoded) return invalid("`after` is not a valid cursor. Pass the `next_cursor` of a previous response, or omit it to start from the beginning.", { code: "invalid_request" });
    after = decoded;
  }
  const rawLimit = searchParams.get("limit");
  let limit = FEED_DEFAULT_LIMIT;
  if (rawLimit !== null && rawLimit !== "") {
    if (!/^\d{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > FEED_MAX_LIMIT) {
      return invalid(`\`limit\` must be a whole number from 1 to ${FEED_MAX_LIMIT} (default ${FEED_DEFAULT_LIMIT}).`, { code: "invalid_request" });
    }
    limit = Number(rawLimit);
  }
  return { after, cursor: rawAfter || encodeCursor(after), limit };
}

/**
 * The pull feed. Consistency: only events of transactions older than every transaction still
 * running (txid < xmin of the current snapshot) are served — every such transaction has finished,
 * so no event can later appear before the cursor. Ordered by (txid, seq); the cursor is the last
 * (txid, seq) served, so each event is delivered exactly once, in the same order for everyone.
 */
export async function listEvents(actor: Actor, query: FeedQuery): Promise<EventListOut | Problem> {
  if (!hasScope(actor, "events:read")) return feedForbidden();
  const rows = await db
    .select()
    .from(events)
    .where(
      and(
        sql`${events.txid} < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`,
        // Test pings sent to one webhook endpoint are not part of the business event stream.
        sql`${events.type} <> 'webhook.test'`,
        sql`(${events.txid}, ${events.seq}) > (${String(query.after.txid)}::bigint, ${String(query.after.seq)}::bigint)`,
      ),
    )
    .orderBy(asc(events.txid), asc(events.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(toApiEvent),
    next_cursor: last ? encodeCursor({ txid: last.txid, seq: last.seq }) : query.cursor,
    has_more: rows.length > query.limit,
  };
}

export const feedForbidden = () => new Problem("forbidden", 'This API key lacks the "events:read" scope.', { code: "insufficient_scope" });
