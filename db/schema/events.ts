import { sql } from "drizzle-orm";
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { newId } from "./ids";

/**
 * The outbox: every domain event, written in the same transaction as the change it describes.
 * `seq` gives consumers a commit-ordered cursor (the back-office feed builds on it).
 */
export const events = pgTable(
  "events",
  {
    id: text().primaryKey().$defaultFn(() => newId("ev")),
    seq: bigserial({ mode: "number" }).notNull().unique(),
    /**
     * The writing transaction's id. The pull feed orders by (txid, seq) and only serves events
     * of transactions older than every one still running, so a consumer's cursor never skips
     * an event that commits late.
     */
    txid: bigint({ mode: "number" }).notNull().default(sql`pg_current_xact_id()::text::bigint`),
    type: text().notNull(),
    accountId: text(),
    subjectType: text().notNull(),
    subjectId: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("events_subject_idx").on(t.subjectType, t.subjectId), index("events_type_idx").on(t.type), index("events_feed_idx").on(t.txid, t.seq)],
);

export type DomainEvent = typeof events.$inferSelect;
