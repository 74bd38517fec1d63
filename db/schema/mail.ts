import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { newId } from "./ids";

/** Development mailbox: where mail goes when SMTP_URL is not set (never in production). */
export const devEmails = pgTable("dev_emails", {
  id: text().primaryKey().$defaultFn(() => newId("msg")),
  to: text().notNull(),
  subject: text().notNull(),
  text: text().notNull(),
  html: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
