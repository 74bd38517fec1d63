import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { attachments, disputeMessages, disputes, type Dispute } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import type { Tx } from "~/db.server";
import { env } from "~/env.server";
import { accountRecipients, addressOf } from "~/modules/notifications/account-recipients.server";
import { blobStorage, newStorageKey } from "~/modules/storage/blob-storage.server";
import { MAX_BYTES_PER_DISPUTE, MAX_FILES_PER_DISPUTE } from "~/modules/storage/upload-policy";
import { invalidField, type Problem } from "~/utils/problem";
import type { DisputeEmailFacts } from "./dispute-emails";

/** A file that already passed the upload checks (extension and magic bytes). */
export interface AcceptedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** Thrown inside a transaction to roll it back (files over the limits); caught and returned as its Problem. */
export class DisputeProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

export async function lockDispute(tx: Tx, disputeId: string): Promise<Dispute | undefined> {
  const [dispute] = await tx.select().from(disputes).where(eq(disputes.id, disputeId)).for("update");
  return dispute;
}

/** Appends one message to the thread, with its files (stored with the transaction: `tx` must come from transactionWithBlobs). */
export async function addMessageRow(
  tx: Tx,
  dispute: Pick<Dispute, "id" | "accountId">,
  message: { authorUserId: string | null; authorSide: "customer" | "staff" | "system"; visibility: "customer" | "internal"; kind?: "message" | "info_request" | "status_change" | "resolution"; body: string },
  files: AcceptedFile[] = [],
) {
  const [row] = await tx.insert(disputeMessages).values({ disputeId: dispute.id, ...message }).returning();
  if (files.length > 0) await saveFiles(tx, dispute, row!.id, message.authorUserId, files);
  return row!;
}

async function saveFiles(tx: Tx, dispute: Pick<Dispute, "id" | "accountId">, messageId: string, userId: string | null, files: AcceptedFile[]) {
  const [existing] = await tx
    .select({ count: sql<number>`count(*)::int`, bytes: sql<number>`coalesce(sum(${attachments.size}), 0)::bigint` })
    .from(attachments)
    .where(eq(attachments.disputeId, dispute.id));
  const count = (existing?.count ?? 0) + files.length;
  const bytes = Number(existing?.bytes ?? 0) + files.reduce((s, f) => s + f.bytes.length, 0);
  if (count > MAX_FILES_PER_DISPUTE) throw new DisputeProblem(invalidField("files", `A dispute can have at most ${MAX_FILES_PER_DISPUTE} files.`));
  if (bytes > MAX_BYTES_PER_DISPUTE) throw new DisputeProblem(invalidField("files", `A dispute's files can total at most ${MAX_BYTES_PER_DISPUTE / 1024 / 1024} MB.`));
  const storage = blobStorage();
  for (const file of files) {
    const key = newStorageKey();
    await storage.put(key, file.bytes, tx);
    await tx.insert(attachments).values({
      accountId: dispute.accountId,
      disputeId: dispute.id,
      messageId,
      uploadedByUserId: userId,
      filename: file.filename,
      contentType: file.contentType,
      size: file.bytes.length,
      sha256: createHash("sha256").update(file.bytes).digest("hex"),
      storageKey: key,
    });
  }
}

/** The facts every dispute email to the payer who opened it carries. */
export async function disputeEmailFacts(tx: Tx, dispute: Dispute): Promise<DisputeEmailFacts | null> {
  if (!dispute.openedByUserId) return null;
  const [payer] = await tx.select().from(users).where(eq(users.id, dispute.openedByUserId));
  const [invoice] = await tx.select({ number: invoices.number }).from(invoices).where(eq(invoices.id, dispute.invoiceId));
  if (!payer || !invoice) return null;
  // The payer who opened it and the account's billing contacts in To, the others in CC: those who want dispute updates.
  const recipients = await accountRecipients(tx, dispute.accountId, "disputes", { alsoTo: [payer.id] });
  if (recipients.to.length === 0) return null;
  return { ...addressOf(recipients), name: recipients.toName ?? "there", company: env().COMPANY_NAME, invoiceNumber: invoice.number, disputeUrl: `${env().APP_URL}/disputes/${dispute.id}` };
}
