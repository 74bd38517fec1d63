import { and, eq, inArray, gt, max } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { auditActor, isStaffActor, type Actor } from "~/modules/auth/actor";
import { forbidden, invalid, isProblem, type Problem } from "~/utils/problem";
import { readCsv, type CsvKind, type RowError } from "./csv-rows";
import { upsertCustomer } from "./upsert-customer.server";
import { upsertInvoice } from "./upsert-invoice.server";

export const MAX_CSV_BYTES = 2 * 1024 * 1024;

export interface CsvPreview {
  kind: CsvKind;
  rowCount: number;
  errors: RowError[];
  records: Array<{ externalId: string; rows: number[]; action: "create" | "update" }>;
  toCreate: number;
  toUpdate: number;
}

export type RecordOutcome = "created" | "updated" | "unchanged" | "failed";

export interface CsvImportReport {
  kind: CsvKind;
  results: Array<{ externalId: string; rows: number[]; outcome: RecordOutcome; reason: string | null }>;
  failed: number;
  total: number;
}

/** The external ids among `ids` that already exist for this kind. */
async function existingExternalIds(kind: CsvKind, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows =
    kind === "customers"
      ? await db.select({ id: accounts.externalId }).from(accounts).where(inArray(accounts.externalId, ids))
      : await db.select({ id: invoices.externalId }).from(invoices).where(inArray(invoices.externalId, ids));
  return new Set(rows.map((r) => r.id!));
}

/** Step 1: parses and validates the file and says what importing it would do. Writes nothing. */
export async function previewCsv(kind: CsvKind, text: string): Promise<CsvPreview> {
  const parsed = readCsv(kind, text);
  const existing = await existingExternalIds(kind, parsed.records.map((r) => r.externalId));
  const records = parsed.records.map((r) => ({ externalId: r.externalId, rows: r.rows, action: existing.has(r.externalId) ? ("update" as const) : ("create" as const) }));
  return { kind, rowCount: parsed.rowCount, errors: parsed.errors, records, toCreate: records.filter((r) => r.action === "create").length, toUpdate: records.filter((r) => r.action === "update").length };
}

function reasonOf(problem: Problem): string {
  const details = Object.entries(problem.fields)
    .map(([path, message]) => `${path}: ${message}`)
    .join("; ");
  return [problem.message, details].filter(Boolean).join(" ");
}

export const CSV_HAS_ERRORS = "The file has errors: fix the file first, then preview it again.";

/**
 * Step 2: applies every record through the ingest use cases, each in its own transaction (one
 * failing rolls back nothing else), as the staff member who runs the import (their audit rows name
 * them), and one audit row records the import. Refuses the whole file when it has any validation
 * error (`previewCsv` lists them).
 */
export async function importCsv(actor: Actor, input: { kind: CsvKind; text: string }): Promise<CsvImportReport | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can import CSV files.");
  const parsed = readCsv(input.kind, input.text);
  if (parsed.errors.length > 0) return invalid(CSV_HAS_ERRORS);
  const eventType = input.kind === "customers" ? "customer.upserted" : "invoice.upserted";
  const results: CsvImportReport["results"] = [];
  for (const record of parsed.records) {
    const [before] = await db.select({ seq: max(events.seq) }).from(events);
    const run = input.kind === "customers" ? upsertCustomer : upsertInvoice;
    const result = await run(actor, { externalId: record.externalId, body: record.body });
    let outcome: RecordOutcome;
    if (isProblem(result)) outcome = "failed";
    else if (result.created) outcome = "created";
    else {
      const subjectId = result.record.id;
      const [changed] = await db
        .select({ id: events.id })
        .from(events)
        .where(and(eq(events.type, eventType), eq(events.subjectId, subjectId), gt(events.seq, before?.seq ?? 0)))
        .limit(1);
      outcome = changed ? "updated" : "unchanged";
    }
    results.push({ externalId: record.externalId, rows: record.rows, outcome, reason: isProblem(result) ? reasonOf(result) : null });
  }
  const failed = results.filter((r) => r.outcome === "failed").length;
  const count = (o: RecordOutcome) => results.filter((r) => r.outcome === o).length;
  await recordAudit(db, {
    ...auditActor(actor),
    action: `csv_import.${input.kind}`,
    data: { total: results.length, created: count("created"), updated: count("updated"), unchanged: count("unchanged"), failed, failedIds: results.filter((r) => r.outcome === "failed").map((r) => r.externalId) },
  });
  return { kind: input.kind, results, failed, total: results.length };
}
