import { desc } from "drizzle-orm";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import { env } from "~/env.server";

/** The development mailbox exists only when mail is not really sent, and never in production. */
export function devMailboxEnabled(): boolean {
  return env().NODE_ENV !== "production" && !env().SMTP_URL;
}

export async function listDevEmails(limit = 50) {
  return db.select().from(devEmails).orderBy(desc(devEmails.createdAt)).limit(limit);
}
