import { eq } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { accountNotes } from "#db/schema/collections";
import { db } from "~/db.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { freeTextProblem } from "~/utils/text";
import { forbidden, invalidField, notFound, type Problem } from "~/utils/problem";

/** A collector's note on an account ("spoke to AP, cheque run on Fridays"): shown on its timeline. */
export async function addAccountNote(actor: Actor, input: { accountId: string; body: string }): Promise<{ noteId: string } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team writes account notes.");
  const body = input.body.trim();
  if (body.length < 2) return invalidField("body", "Write the note (at least 2 characters).");
  if (body.length > 5000) return invalidField("body", "Keep the note under 5,000 characters.");
  const problem = freeTextProblem(body);
  if (problem) return invalidField("body", problem);
  if (input.accountId.length > 40) return notFound("No such customer.");
  return db.transaction(async (tx) => {
    const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId));
    if (!account) return notFound("No such customer.");
    const [note] = await tx.insert(accountNotes).values({ accountId: account.id, authorId: actor.userId, body }).returning({ id: accountNotes.id });
    await recordAudit(tx, { ...auditActor(actor), action: "account_note.added", subjectType: "account", subjectId: account.id, data: { noteId: note!.id } });
    return { noteId: note!.id };
  });
}
