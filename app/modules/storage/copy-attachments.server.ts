import { createHash } from "node:crypto";
import { asc, gt } from "drizzle-orm";
import { attachments } from "#db/schema/disputes";
import { db } from "~/db.server";
import type { BlobStorage } from "./blob-storage.server";

export type CopyProblem = { attachmentId: string; storageKey: string; problem: "missing_at_source" | "mismatched_at_source" | "mismatched_at_target" | "mismatched_after_copy" };
export type CopyReport = { copied: number; alreadyThere: number; missingAtSource: number; mismatched: number; problems: CopyProblem[] };

const BATCH = 200;

/**
 * Copies the file of every attachments row from one storage to another, for a change of
 * ATTACHMENT_STORAGE. Safe to run again and again: a file already at the target with the row's
 * SHA-256 is skipped. Every copy is read back and checked against that SHA-256. Never deletes or
 * overwrites anything: a file missing at the source, or one whose bytes differ from what was
 * uploaded (at the source or already at the target), is reported and left as it is.
 */
export async function copyAttachments(from: BlobStorage, to: BlobStorage, onProblem: (problem: CopyProblem) => void = () => {}): Promise<CopyReport> {
  const report: CopyReport = { copied: 0, alreadyThere: 0, missingAtSource: 0, mismatched: 0, problems: [] };
  const note = (problem: CopyProblem) => {
    report.problems.push(problem);
    if (problem.problem === "missing_at_source") report.missingAtSource++;
    else report.mismatched++;
    onProblem(problem);
  };

  // Keyset pages by id: rows added while it runs are copied too or by the next run, none twice.
  for (let after = ""; ; ) {
    const rows = await db
      .select({ id: attachments.id, storageKey: attachments.storageKey, sha256: attachments.sha256 })
      .from(attachments)
      .where(gt(attachments.id, after))
      .orderBy(asc(attachments.id))
      .limit(BATCH);
    if (rows.length === 0) return report;
    after = rows.at(-1)!.id;

    for (const row of rows) {
      const which = { attachmentId: row.id, storageKey: row.storageKey };
      const atTarget = await sha256At(to, row.storageKey);
      if (atTarget === row.sha256) {
        report.alreadyThere++;
        continue;
      }
      if (atTarget) {
        note({ ...which, problem: "mismatched_at_target" });
        continue;
      }
      const bytes = await from.get(row.storageKey);
      if (!bytes) {
        note({ ...which, problem: "missing_at_source" });
        continue;
      }
      if (sha256(bytes) !== row.sha256) {
        note({ ...which, problem: "mismatched_at_source" });
        continue;
      }
      await to.put(row.storageKey, bytes);
      if ((await sha256At(to, row.storageKey)) === row.sha256) report.copied++;
      else note({ ...which, problem: "mismatched_after_copy" });
    }
  }
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The SHA-256 of a stored blob, read as a stream; null when it is not there. */
async function sha256At(storage: BlobStorage, key: string): Promise<string | null> {
  const blob = await storage.open(key);
  if (!blob) return null;
  const hash = createHash("sha256");
  for await (const chunk of blob.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest("hex");
}
