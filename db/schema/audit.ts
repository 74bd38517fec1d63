import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { newId } from "./ids";

/** Who did what, when, from where — written in the same transaction as the change. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text().primaryKey().$defaultFn(() => newId("aud")),
    actorUserId: text(),
    // "cli": an operator at the command line (`npm run cli`), named in the row's data.
    actorType: text({ enum: ["user", "system", "api", "cli"] }).notNull(),
    action: text().notNull(),
    subjectType: text(),
    subjectId: text(),
    ip: text(),
    data: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_subject_idx").on(t.subjectType, t.subjectId), index("audit_log_created_idx").on(t.createdAt)],
);
