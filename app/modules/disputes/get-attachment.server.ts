import { and, eq } from "drizzle-orm";
import { attachments, disputeMessages } from "#db/schema/disputes";
import { db } from "~/db.server";
import type { Actor } from "~/modules/auth/actor";
import { inReadersAccounts } from "~/modules/invoices/scope.server";
import { blobStorage, type BlobStream } from "~/modules/storage/blob-storage.server";
import { notFound, type Problem } from "~/utils/problem";

/**
 * A dispute file for download: only for the dispute's account (and never a file of an
 * internal note) or staff. Its bytes stream from the storage (`body`, `size` bytes): the caller
 * must read or cancel the stream.
 */
export async function getAttachment(reader: Actor, attachmentId: string): Promise<({ filename: string; contentType: string } & BlobStream) | Problem> {
  const [row] = await db
    .select({ filename: attachments.filename, contentType: attachments.contentType, storageKey: attachments.storageKey })
    .from(attachments)
    .leftJoin(disputeMessages, eq(disputeMessages.id, attachments.messageId))
    .where(and(eq(attachments.id, attachmentId), inReadersAccounts(reader, attachments.accountId), reader.kind === "payer" ? eq(disputeMessages.visibility, "customer") : undefined));
  if (!row) return notFound("File not found.");
  const blob = await blobStorage().open(row.storageKey);
  return blob ? { filename: row.filename, contentType: row.contentType, ...blob } : notFound("File not found.");
}
