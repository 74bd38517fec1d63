import { auditLog } from "#db/schema/audit";
import type { Executor } from "~/db.server";
import { bulkInsert } from "~/utils/bulk-insert.server";

export interface AuditEntry {
  actorUserId: string | null;
  actorType: "user" | "system" | "api" | "cli";
  action: string;
  subjectType?: string;
  subjectId?: string;
  ip?: string | null;
  data?: Record<string, unknown>;
}

/** Writes one audit row; pass the transaction that makes the change so both commit together. */
export async function recordAudit(tx: Executor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, ip: entry.ip ?? null });
}

/** Writes several audit rows in one statement. */
export async function recordAudits(tx: Executor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await bulkInsert(tx, auditLog, entries.map((entry) => ({ ...entry, ip: entry.ip ?? null })));
}
