import { and, eq } from "drizzle-orm";
import { accountContacts } from "#db/schema/accounts";
import type { ReminderRecipientRole } from "#db/schema/collection-values";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, notFound, type Problem } from "~/utils/problem";

/** AR staff choose who of an account's contacts gets its reminder emails: To, CC or not at all. */
export async function setContactReminders(actor: Actor, input: { accountId: string; userId: string; reminders: ReminderRecipientRole }): Promise<{ reminders: ReminderRecipientRole } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only AR staff choose who gets reminders.");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(accountContacts)
      .set({ reminders: input.reminders })
      .where(and(eq(accountContacts.accountId, input.accountId), eq(accountContacts.userId, input.userId)))
      .returning({ reminders: accountContacts.reminders });
    if (!row) return notFound("That person is not a contact of this customer.");
    await recordAudit(tx, { ...auditActor(actor), action: "contact.reminders_set", subjectType: "account", subjectId: input.accountId, data: { userId: input.userId, reminders: input.reminders } });
    return { reminders: row.reminders };
  });
}
