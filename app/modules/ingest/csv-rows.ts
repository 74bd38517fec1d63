import { z as z4 } from "zod";
import { parseAmount } from "~/modules/payments/allocation-rules";
import { percentToBps } from "~/modules/terms/payment-terms";
import { isCalendarDate } from "~/utils/dates";
import { freeTextProblem, singleLineProblem } from "~/utils/text";
import { CsvSyntaxError, parseCsv, type CsvRecord } from "./csv-parse";

export type CsvKind = "customers" | "invoices";

export const CUSTOMER_COLUMNS = ["external_id", "number", "name", "billing_email", "currency", "contact_email", "contact_name"] as const;
export const INVOICE_COLUMNS = [
  "external_id",
  "customer_external_id",
  "number",
  "po_number",
  "currency",
  "issue_date",
  "due_date",
  "terms",
  "tax_total",
  "memo",
  "line_description",
  "line_sku",
  "line_quantity",
  "line_unit_amount",
] as const;

export const COLUMNS: Record<CsvKind, readonly string[]> = { customers: CUSTOMER_COLUMNS, invoices: INVOICE_COLUMNS };

/**
 * Columns a file may add: how the customer is collected. A column left out leaves that field of
 * every customer as it is; an empty cell clears it (as `null` does in the API).
 */
export const CUSTOMER_OPTIONAL_COLUMNS = ["segment", "cadence", "collector"] as const;
/**
 * An invoice's payment terms ("2/10 net 30": 30, 2, 10). Empty cells (or no such columns) give the
 * invoice the customer's default terms when it is created and leave an existing one's as they are.
 */
export const INVOICE_OPTIONAL_COLUMNS = ["net_days", "discount_percent", "discount_days"] as const;
export const OPTIONAL_COLUMNS: Record<CsvKind, readonly string[]> = { customers: CUSTOMER_OPTIONAL_COLUMNS, invoices: INVOICE_OPTIONAL_COLUMNS };

export interface RowError {
  /** 1-based row number in the file (the header is row 1); 0 for a file-level problem. */
  row: number;
  column: string;
  message: string;
}

export interface CustomerBody {
  number: string;
  name: string;
  billing_email: string | null;
  currency: string;
  contacts: Array<{ email: string; name: string }>;
  /** Absent when the file has no such column (unchanged); null when the cell is empty (cleared). */
  segment?: string | null;
  cadence?: string | null;
  collector?: string | null;
}

export interface InvoiceBody {
  customer_external_id: string;
  number: string;
  po_number: string | null;
  currency: string;
  issue_date: string;
  due_date: string;
  terms: string;
  tax_total: number;
  memo: string | null;
  lines: Array<{ description: string; sku: string | null; quantity: string; unit_amount: number }>;
  /** Absent when the row's terms cells are empty or missing (the customer's defaults on create). */
  payment_terms?: { net_days: number; discount_percent?: string; discount_days?: number };
}

export interface CsvGroup<B> {
  externalId: string;
  rows: number[];
  body: B;
}

export type ParsedCsv =
  | { kind: "customers"; records: Array<CsvGroup<CustomerBody>>; errors: RowError[]; rowCount: number }
  | { kind: "invoices"; records: Array<CsvGroup<InvoiceBody>>; errors: RowError[]; rowCount: number };

const noControlCharacters = (problem: (text: string) => string | null) => (value: string, ctx: z4.RefinementCtx<string>) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: "custom", message, input: value });
};
const optional = (max: number) =>
  z4
    .string()
    .trim()
    .max(max)
    .superRefine(noControlCharacters(singleLineProblem))
    .transform((v) => (v === "" ? null : v));
const required = (max: number) => z4.string().trim().min(1, "Required.").max(max, `At most ${max} characters.`).superRefine(noControlCharacters(singleLineProblem));
const currency = z4.string().trim().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code such as USD.");
const date = z4.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.").pipe(z4.iso.date("Not a valid date.").refine(isCalendarDate, { message: "Not a valid date.", when: (payload) => payload.issues.length === 0 }));

export const CustomerRow = z4.object({
  external_id: required(100),
  number: required(50),
  name: required(200),
  billing_email: z4.string().trim().pipe(z4.union([z4.literal(""), z4.email("Not a valid email address.").max(254)])).transform((v) => (v === "" ? null : v)),
  currency,
  contact_email: z4.string().trim().pipe(z4.union([z4.literal(""), z4.email("Not a valid email address.").max(254)])).transform((v) => (v === "" ? null : v)),
  contact_name: optional(200),
  // Optional columns: absent from the file → undefined (left alone); an empty cell → null (cleared).
  segment: optional(60).optional(),
  cadence: optional(100).optional(),
  collector: z4
    .string()
    .trim()
    .pipe(z4.union([z4.literal(""), z4.email("Not a valid email address.").max(254)]))
    .transform((v) => (v === "" ? null : v))
    .optional(),
});

export const InvoiceRow = z4.object({
  external_id: required(100),
  customer_external_id: required(100),
  number: required(50),
  po_number: optional(100),
  currency,
  issue_date: date,
  due_date: date,
  terms: required(100),
  tax_total: z4.string().trim(),
  memo: z4
    .string()
    .max(2000, "At most 2000 characters.")
    .superRefine(noControlCharacters(freeTextProblem))
    .transform((v) => (v.trim() === "" ? null : v)),
  line_description: z4.string().trim().min(1, "Required.").max(500, "At most 500 characters.").superRefine(noControlCharacters(freeTextProblem)),
  line_sku: optional(100),
  line_quantity: z4
    .string()
    .trim()
    .transform((v) => (v === "" ? "1" : v))
    .pipe(z4.string().regex(/^\d{1,11}(\.\d{1,3})?$/, 'Use a decimal with at most 3 decimals, e.g. "2.5".')),
  line_unit_amount: z4.string().trim(),
  net_days: z4.string().trim().optional(),
  discount_percent: z4.string().trim().optional(),
  discount_days: z4.string().trim().optional(),
});

const DAYS = /^\d{1,3}$/;
const days = (text: string) => (DAYS.test(text) && Number(text) <= 365 ? Number(text) : null);

/** The row's terms cells → the API's `payment_terms` (undefined when all are empty), or per-cell errors. */
export function readTermsCells(row: number, cells: { net_days?: string; discount_percent?: string; discount_days?: string }): { terms: InvoiceBody["payment_terms"]; errors: RowError[] } {
  const net = cells.net_days ?? "";
  const percent = cells.discount_percent ?? "";
  const within = cells.discount_days ?? "";
  const errors: RowError[] = [];
  if (net === "" && percent === "" && within === "") return { terms: undefined, errors };
  const netDays = days(net);
  if (net === "") errors.push({ row, column: "net_days", message: "Required when a discount is given (e.g. 30 for 2/10 net 30)." });
  else if (netDays === null) errors.push({ row, column: "net_days", message: "Use whole days from 0 to 365, e.g. 30." });
  if ((percent === "") !== (within === "")) {
    errors.push({ row, column: percent === "" ? "discount_percent" : "discount_days", message: "Give discount_percent and discount_days together, or leave both empty." });
  } else if (percent !== "") {
    const discountDays = days(within);
    if (percentToBps(percent) === null) errors.push({ row, column: "discount_percent", message: 'Use a percent above 0 and below 100 with at most 2 decimals, e.g. 2 or 1.5.' });
    if (discountDays === null) errors.push({ row, column: "discount_days", message: "Use whole days from 0 to 365, e.g. 10." });
    else if (netDays !== null && discountDays > netDays) errors.push({ row, column: "discount_days", message: `The discount window (${discountDays} days) cannot be longer than net_days (${netDays}).` });
    if (errors.length === 0) return { terms: { net_days: netDays!, discount_percent: percent, discount_days: discountDays! }, errors };
  }
  return { terms: errors.length === 0 ? { net_days: netDays! } : undefined, errors };
}

/** Decimal major units ("12.50", "-5", "1,000.00") → integer minor units, or null. */
export function parseMajorAmount(input: string, code: string, allowNegative: boolean): number | null {
  const negative = allowNegative && input.startsWith("-");
  const minor = parseAmount(negative ? input.slice(1) : input, code);
  if (minor === null) return null;
  return negative ? -minor : minor;
}

function toObject(columns: readonly string[], record: CsvRecord): Record<string, string> {
  return Object.fromEntries(columns.map((c, i) => [c, record.fields[i] ?? ""]));
}

function issuesToErrors(row: number, issues: z4.core.$ZodIssue[]): RowError[] {
  return issues.map((issue) => ({ row, column: String(issue.path[0] ?? "(row)"), message: issue.message }));
}

/** Parses and validates a CSV of the given kind, grouping rows into records by external_id. */
export function readCsv(kind: CsvKind, text: string): ParsedCsv {
  const empty = (errors: RowError[]): ParsedCsv => ({ kind, records: [], errors, rowCount: 0 }) as ParsedCsv;
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return empty([{ row: 0, column: "(file)", message: error.message }]);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) return empty([{ row: 0, column: "(file)", message: "The file is empty." }]);
  const expected = COLUMNS[kind];
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !expected.includes(n) && !OPTIONAL_COLUMNS[kind].includes(n));
  const missing = expected.filter((c) => !names.includes(c));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  const fileErrors: RowError[] = [];
  if (unknown.length) fileErrors.push({ row: 1, column: "(header)", message: `Unknown columns: ${unknown.join(", ")}.` });
  if (missing.length) fileErrors.push({ row: 1, column: "(header)", message: `Missing columns: ${missing.join(", ")}.` });
  if (duplicated.length) fileErrors.push({ row: 1, column: "(header)", message: `Repeated columns: ${[...new Set(duplicated)].join(", ")}.` });
  if (fileErrors.length) return empty(fileErrors);
  if (rows.length === 0) return empty([{ row: 0, column: "(file)", message: "The file has a header but no rows." }]);

  const errors: RowError[] = [];
  for (const r of rows) {
    if (r.fields.length !== names.length) errors.push({ row: r.row, column: "(row)", message: `Expected ${names.length} fields, found ${r.fields.length}.` });
  }
  const valid = rows.filter((r) => r.fields.length === names.length).map((r) => ({ row: r.row, data: toObject(names, r) }));
  return kind === "customers" ? readCustomers(valid, errors, rows.length) : readInvoices(valid, errors, rows.length);
}

function readCustomers(rows: Array<{ row: number; data: Record<string, string> }>, errors: RowError[], rowCount: number): ParsedCsv {
  const groups = new Map<string, CsvGroup<CustomerBody>>();
  for (const { row, data } of rows) {
    const parsed = CustomerRow.safeParse(data);
    if (!parsed.success) {
      errors.push(...issuesToErrors(row, parsed.error.issues));
      continue;
    }
    const r = parsed.data;
    if (r.contact_email && !r.contact_name) errors.push({ row, column: "contact_name", message: "Required when contact_email is given." });
    if (!r.contact_email && r.contact_name) errors.push({ row, column: "contact_email", message: "Required when contact_name is given." });
    let group = groups.get(r.external_id);
    if (!group) {
      const collection = Object.fromEntries((["segment", "cadence", "collector"] as const).filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
      group = { externalId: r.external_id, rows: [], body: { number: r.number, name: r.name, billing_email: r.billing_email, currency: r.currency, contacts: [], ...collection } };
      groups.set(r.external_id, group);
    } else {
      const b = group.body;
      const first = group.rows[0];
      for (const [column, a, c] of [
        ["number", b.number, r.number],
        ["name", b.name, r.name],
        ["billing_email", b.billing_email, r.billing_email],
        ["currency", b.currency, r.currency],
        ["segment", b.segment, r.segment],
        ["cadence", b.cadence, r.cadence],
        ["collector", b.collector, r.collector],
      ] as const) {
        if (a !== c) errors.push({ row, column, message: `Differs from row ${first} for customer ${r.external_id}.` });
      }
    }
    group.rows.push(row);
    if (r.contact_email && r.contact_name) {
      if (group.body.contacts.some((c) => c.email.toLowerCase() === r.contact_email!.toLowerCase())) errors.push({ row, column: "contact_email", message: `${r.contact_email} is listed twice for customer ${r.external_id}.` });
      else group.body.contacts.push({ email: r.contact_email, name: r.contact_name });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { kind: "customers", records: [...groups.values()], errors, rowCount };
}

function readInvoices(rows: Array<{ row: number; data: Record<string, string> }>, errors: RowError[], rowCount: number): ParsedCsv {
  const groups = new Map<string, CsvGroup<InvoiceBody>>();
  for (const { row, data } of rows) {
    const parsed = InvoiceRow.safeParse(data);
    if (!parsed.success) {
      errors.push(...issuesToErrors(row, parsed.error.issues));
      continue;
    }
    const r = parsed.data;
    const taxTotal = r.tax_total === "" ? 0 : parseMajorAmount(r.tax_total, r.currency, false);
    const unitAmount = parseMajorAmount(r.line_unit_amount, r.currency, true);
    let ok = true;
    if (taxTotal === null) {
      errors.push({ row, column: "tax_total", message: "Use a decimal amount in major units, e.g. 12.50." });
      ok = false;
    }
    if (unitAmount === null) {
      errors.push({ row, column: "line_unit_amount", message: "Use a decimal amount in major units, e.g. 12.50 or -5.00." });
      ok = false;
    }
    if (r.due_date < r.issue_date) {
      errors.push({ row, column: "due_date", message: "The due date cannot be before the issue date." });
      ok = false;
    }
    const terms = readTermsCells(row, r);
    if (terms.errors.length > 0) {
      errors.push(...terms.errors);
      ok = false;
    }
    if (!ok) continue;
    const header = {
      customer_external_id: r.customer_external_id,
      number: r.number,
      po_number: r.po_number,
      currency: r.currency,
      issue_date: r.issue_date,
      due_date: r.due_date,
      terms: r.terms,
      tax_total: taxTotal!,
      memo: r.memo,
      ...(terms.terms ? { payment_terms: terms.terms } : {}),
    };
    const line = { description: r.line_description, sku: r.line_sku, quantity: r.line_quantity, unit_amount: unitAmount! };
    const group = groups.get(r.external_id);
    if (!group) {
      groups.set(r.external_id, { externalId: r.external_id, rows: [row], body: { ...header, lines: [line] } });
      continue;
    }
    let agrees = true;
    const termsKey = (t: InvoiceBody["payment_terms"]) => JSON.stringify(t ?? null);
    if (termsKey(group.body.payment_terms) !== termsKey(terms.terms)) {
      errors.push({ row, column: "net_days", message: `Payment terms differ from row ${group.rows[0]} for invoice ${r.external_id}; invoice-level columns must agree on every line.` });
      continue;
    }
    for (const [column, value] of Object.entries(header)) {
      if (column === "payment_terms") continue;
      if (group.body[column as keyof typeof header] !== value) {
        errors.push({ row, column, message: `Differs from row ${group.rows[0]} for invoice ${r.external_id}; invoice-level columns must agree on every line.` });
        agrees = false;
      }
    }
    if (agrees) {
      group.rows.push(row);
      group.body.lines.push(line);
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { kind: "invoices", records: [...groups.values()], errors, rowCount };
}
