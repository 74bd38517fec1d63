import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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
    type: text().notNull(),
    accountId: text(),
    subjectType: text().notNull(),
    subjectId: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("events_subject_idx").on(t.subjectType, t.subjectId), index("events_type_idx").on(t.type)],
);

export type DomainEvent = typeof events.$inferSelect;
