import { and, eq } from "drizzle-orm";
import { accountContacts, type ContactRole } from "#db/schema/accounts";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { forbidden, notFound, type Problem } from "~/utils/problem";

/** AR staff set a contact's role: billing contacts are addressed on the account's emails, approvers and others copied. */
export async function setContactRole(actor: Actor, input: { accountId: string; userId: string; role: ContactRole }): Promise<{ role: ContactRole; changed: boolean } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only AR staff set a contact's role.");
  return db.transaction(async (tx) => {
    const where = and(eq(accountContacts.accountId, input.accountId), eq(accountContacts.userId, input.userId));
    const [before] = await tx.select({ role: accountContacts.role }).from(accountContacts).where(where).for("update");
    if (!before) return notFound("That person is not a contact of this customer.");
    if (before.role === input.role) return { role: input.role, changed: false };
    await tx.update(accountContacts).set({ role: input.role }).where(where);
    await recordAudit(tx, { ...auditActor(actor), action: "contact.role_set", subjectType: "account", subjectId: input.accountId, data: { userId: input.userId, from: before.role, to: input.role } });
    return { role: input.role, changed: true };
  });
}
