import { and, eq, sql } from "drizzle-orm";
import { attachments, disputeMessages } from "#db/schema/disputes";
import { db } from "~/db.server";
import { inReadersAccounts } from "~/modules/invoices/scope.server";
import { blobStorage } from "~/modules/storage/blob-storage.server";
import type { DisputeReader } from "./get-dispute.server";

/**
 * A dispute file for download: only for the dispute's account (and never a file of an
 * internal note) or staff. Null → 404.
 */
export async function getAttachment(reader: DisputeReader, attachmentId: string): Promise<{ filename: string; contentType: string; bytes: Buffer } | null> {
  const [row] = await db
    .select({ filename: attachments.filename, contentType: attachments.contentType, storageKey: attachments.storageKey })
    .from(attachments)
    .leftJoin(disputeMessages, eq(disputeMessages.id, attachments.messageId))
    .where(
      and(
        eq(attachments.id, attachmentId),
        inReadersAccounts(reader, attachments.accountId),
        reader.kind === "payer" ? sql`${disputeMessages.visibility} = 'customer'` : undefined,
      ),
    );
  if (!row) return null;
  const bytes = await blobStorage().get(row.storageKey);
  return bytes ? { filename: row.filename, contentType: row.contentType, bytes } : null;
}
