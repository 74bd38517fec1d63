import { and, asc, eq, inArray } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { attachments, disputeLines, disputeMessages, disputes } from "#db/schema/disputes";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inReadersAccounts } from "~/modules/invoices/scope.server";
import { notFound, type Problem } from "~/utils/problem";

/**
 * One dispute with its thread and files. For a payer the query itself leaves out internal notes
 * (and their files) and anything outside their accounts: not_found.
 */
export async function getDispute(reader: Actor, disputeId: string) {
  const [row] = await db
    .select({ dispute: disputes, invoiceNumber: invoices.number, invoiceBalance: invoices.balance, invoiceTotal: invoices.total, accountName: accounts.name, accountNumber: accounts.number })
    .from(disputes)
    .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
    .innerJoin(accounts, eq(accounts.id, disputes.accountId))
    .where(and(eq(disputes.id, disputeId), inReadersAccounts(reader, disputes.accountId)));
  if (!row) return notFound("Dispute not found.");
  const visible = reader.kind === "payer" ? eq(disputeMessages.visibility, "customer") : undefined;
  const [messages, lines] = await Promise.all([
    db
      .select({ id: disputeMessages.id, authorSide: disputeMessages.authorSide, authorName: users.name, visibility: disputeMessages.visibility, kind: disputeMessages.kind, body: disputeMessages.body, createdAt: disputeMessages.createdAt })
      .from(disputeMessages)
      .leftJoin(users, eq(users.id, disputeMessages.authorUserId))
      .where(and(eq(disputeMessages.disputeId, disputeId), visible))
      .orderBy(asc(disputeMessages.createdAt), asc(disputeMessages.id)),
    db
      .select({ id: invoiceLines.id, description: invoiceLines.description, amount: invoiceLines.amount })
      .from(disputeLines)
      .innerJoin(invoiceLines, eq(invoiceLines.id, disputeLines.invoiceLineId))
      .where(eq(disputeLines.disputeId, disputeId))
      .orderBy(asc(invoiceLines.position)),
  ]);
  const files = messages.length
    ? await db
        .select({ id: attachments.id, messageId: attachments.messageId, filename: attachments.filename, contentType: attachments.contentType, size: attachments.size })
        .from(attachments)
        .where(and(eq(attachments.disputeId, disputeId), inArray(attachments.messageId, messages.map((m) => m.id))))
        .orderBy(asc(attachments.createdAt))
    : [];
  return {
    ...row.dispute,
    invoiceNumber: row.invoiceNumber,
    invoiceBalance: row.invoiceBalance,
    invoiceTotal: row.invoiceTotal,
    accountName: row.accountName,
    accountNumber: row.accountNumber,
    lines,
    messages: messages.map((m) => ({ ...m, files: files.filter((f) => f.messageId === m.id) })),
  };
}

export type DisputeDetail = Exclude<Awaited<ReturnType<typeof getDispute>>, Problem>;
