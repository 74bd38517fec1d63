import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireStaffActor } from "~/modules/auth/session.server";
import { importCsv, MAX_CSV_BYTES, previewCsv, type CsvImportReport, type CsvPreview } from "~/modules/ingest/csv-import.server";
import { COLUMNS, csvImportForm, OPTIONAL_COLUMNS, readCsv } from "~/modules/ingest/csv-import-form.server";
import { decodeCsvFile } from "~/modules/ingest/csv-parse";
import type { CsvKind, RowError } from "~/modules/ingest/csv-rows";
import { parseFormData } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { PROBLEM_STATUS } from "~/utils/problem-response.server";
import { readForm } from "~/utils/read-form.server";

export const meta: MetaFunction = () => [{ title: "Import CSV · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaffActor(request, context);
  // The column lists come from the reader (a server module: it carries zod).
  return json({ columns: COLUMNS, optionalColumns: OPTIONAL_COLUMNS });
}

type ActionData =
  | { step: "error"; kind: CsvKind; message: string; errors?: RowError[] }
  | { step: "preview"; kind: CsvKind; csv: string; preview: CsvPreview }
  | { step: "report"; kind: CsvKind; report: CsvImportReport };

const TOO_LARGE = "The file is larger than 2 MB. Split it into smaller files.";

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const length = Number(request.headers.get("Content-Length") ?? 0);
  const kindValue = new URL(request.url).searchParams.get("kind");
  const fail = (kind: CsvKind, message: string, status: number, errors?: RowError[]) => json<ActionData>({ step: "error", kind, message, ...(errors ? { errors } : {}) }, { status });
  if (length > MAX_CSV_BYTES + 64 * 1024) return fail(kindValue === "customers" ? "customers" : "invoices", TOO_LARGE, 413);
  const form = await readForm(request, { maxBytes: MAX_CSV_BYTES + 64 * 1024, fileFields: ["file"] });
  // The fields besides the file, through the form's schema.
  const submission = parseFormData(form, csvImportForm);
  if (submission.status !== "success") {
    const message = Object.values(submission.error ?? {}).flat()[0] ?? "Choose what the file contains, then Preview.";
    return fail(form.get("kind") === "customers" ? "customers" : "invoices", message, 422);
  }
  const { intent, kind } = submission.value;
  let text = "";
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_CSV_BYTES) return fail(kind, TOO_LARGE, 413);
    const decoded = decodeCsvFile(await file.arrayBuffer());
    if (decoded === null) return fail(kind, "The file is not UTF-8 text. Save it as “CSV UTF-8” (in Excel: Save As → CSV UTF-8), then choose it again.", 400);
    text = decoded;
  } else text = submission.value.csv ?? "";
  if (new TextEncoder().encode(text).length > MAX_CSV_BYTES) return fail(kind, "The CSV is larger than 2 MB. Split it into smaller files.", 413);
  if (text.trim() === "") return fail(kind, "Choose a CSV file or paste CSV text.", 400);

  if (intent === "import") {
    const report = await importCsv(actor, { kind, text });
    // The file's own errors are listed row by row, as the preview lists them.
    if (isProblem(report)) return fail(kind, report.message, PROBLEM_STATUS[report.kind], report.kind === "invalid" ? readCsv(kind, text).errors : undefined);
    return json<ActionData>({ step: "report", kind, report });
  }
  return json<ActionData>({ step: "preview", kind, csv: text, preview: await previewCsv(kind, text) });
}

const CUSTOMER_EXAMPLE = `external_id,number,name,billing_email,currency,contact_email,contact_name
ERP-2001,C-2001,Contoso Ltd,ap@contoso.example,USD,jane@contoso.example,Jane Doe
ERP-2001,C-2001,Contoso Ltd,ap@contoso.example,USD,raj@contoso.example,Raj Patel
ERP-2002,C-2002,"Fabrikam, Inc.",,USD,,`;

const INVOICE_EXAMPLE = `external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount
INV-9001,ERP-2001,9001,PO-77,USD,2026-11-01,2026-12-01,Net 30,8.25,,Consulting hours,SVC-1,10,95.00
INV-9001,ERP-2001,9001,PO-77,USD,2026-11-01,2026-12-01,Net 30,8.25,,"Travel, on site",,1,120.50
INV-9002,ERP-2002,9002,,USD,2026-11-05,2026-12-05,Net 30,0,"Thank you!",Widget,W-1,2.5,12.50`;

function ErrorTable({ errors }: { errors: RowError[] }) {
  return (
    <div className="mt-3 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Problems found in the file</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Row</th>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Column</th>
            <th scope="col" className="px-3 py-2 text-left font-semibold">Problem</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {errors.map((e, i) => (
            <tr key={i}>
              <td className="px-3 py-2 tabular-nums">{e.row === 0 ? "—" : e.row}</td>
              <td className="px-3 py-2 font-mono">{e.column}</td>
              <td className="px-3 py-2">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const OUTCOME_LABEL = { created: "Created", updated: "Updated", unchanged: "Unchanged", failed: "Failed" } as const;

export default function ImportCsv() {
  const data = useActionData<typeof action>() as ActionData | undefined;
  const { columns, optionalColumns } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  const kind = data?.kind ?? "invoices";
  return (
    <>
      <h1 className="text-2xl font-semibold">Import customers and invoices from CSV</h1>

      {data?.step === "report" ? (
        <section aria-labelledby="report-heading" className="mt-4">
          <h2 id="report-heading" className="text-lg font-semibold">Import report</h2>
          {data.report.failed > 0 ? (
            <p role="alert" className="mt-2 rounded-md bg-red-50 p-3 font-semibold text-red-900 ring-1 ring-red-200">
              {data.report.failed} of {data.report.total} records were not imported. The others were imported; fix the failed ones and import the file again.
            </p>
          ) : (
            <p role="status" className="mt-2 rounded-md bg-green-50 p-3 text-green-900 ring-1 ring-green-200">
              All {data.report.total} records were imported.
            </p>
          )}
          <div className="mt-3 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Result per record</caption>
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">External id</th>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Rows</th>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Result</th>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Reason</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.report.results.map((r) => (
                  <tr key={r.externalId}>
                    <td className="px-3 py-2 font-mono">{r.externalId}</td>
                    <td className="px-3 py-2 tabular-nums">{r.rows.join(", ")}</td>
                    <td className={`px-3 py-2 font-medium ${r.outcome === "failed" ? "text-red-800" : ""}`}>{OUTCOME_LABEL[r.outcome]}</td>
                    <td className="px-3 py-2">{r.reason ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {data?.step === "error" ? (
        <div role="alert" className="mt-4 rounded-md bg-red-50 p-3 text-red-900 ring-1 ring-red-200">
          <p className="font-semibold">{data.message}</p>
          {data.errors?.length ? <ErrorTable errors={data.errors} /> : null}
        </div>
      ) : null}

      {data?.step === "preview" ? (
        <section aria-labelledby="preview-heading" className="mt-4">
          <h2 id="preview-heading" className="text-lg font-semibold">Preview</h2>
          <p className="mt-2 text-sm">
            {data.preview.rowCount} rows, {data.preview.records.length} {data.kind}: {data.preview.toCreate} to create, {data.preview.toUpdate} to update (unchanged ones are reported after the import).
          </p>
          {data.preview.errors.length > 0 ? (
            <div role="alert" className="mt-3">
              <p className="font-semibold text-red-900">
                {data.preview.errors.length} {data.preview.errors.length === 1 ? "problem" : "problems"} found. Nothing can be imported until the file is fixed: fix the file first and preview it again.
              </p>
              <ErrorTable errors={data.preview.errors} />
            </div>
          ) : (
            <Form method="post" className="mt-3">
              <input type="hidden" name="kind" value={data.kind} />
              <input type="hidden" name="csv" value={data.csv} />
              <button type="submit" name="intent" value="import" disabled={busy} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800 disabled:opacity-60">
                Import {data.preview.records.length} {data.kind}
              </button>
            </Form>
          )}
        </section>
      ) : null}

      <Form method="post" encType="multipart/form-data" className="mt-6 space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 className="text-lg font-semibold">Upload a file</h2>
        <fieldset>
          <legend className="text-sm font-medium">What the file contains</legend>
          <div className="mt-1 flex gap-4">
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="kind" value="invoices" defaultChecked={kind === "invoices"} /> Invoices
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="kind" value="customers" defaultChecked={kind === "customers"} /> Customers
            </label>
          </div>
        </fieldset>
        <div>
          <label htmlFor="file" className="block text-sm font-medium">
            CSV file (up to 2 MB)
          </label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" className="mt-1 block text-sm" />
        </div>
        <div>
          <label htmlFor="csv" className="block text-sm font-medium">
            Or paste CSV text
          </label>
          <textarea id="csv" name="csv" rows={6} className="mt-1 block w-full rounded-md border-slate-300 font-mono text-sm" />
        </div>
        <button type="submit" name="intent" value="preview" disabled={busy} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800 disabled:opacity-60">
          Preview
        </button>
      </Form>

      <section aria-labelledby="format-heading" className="mt-6 space-y-3 text-sm">
        <h2 id="format-heading" className="text-lg font-semibold">File format</h2>
        <p>
          Comma-separated, UTF-8, with a header row naming exactly these columns (any order). Quote fields that contain commas, quotes or line breaks (&quot;&quot; inside quotes is a quote). Nothing is written until you
          preview the file and then choose Import; importing the same file again changes nothing. Rows are numbered as in a spreadsheet: the header is row 1.
        </p>
        <h3 className="font-semibold">Customers: one row per contact</h3>
        <p>
          Columns: <code className="break-all">{columns.customers.join(",")}</code>. Rows with the same <code>external_id</code> are merged into one customer and must agree on its other columns. The contact columns may be empty.
          Contacts not listed are left alone. Optional columns <code>{optionalColumns.customers.join(",")}</code> say how the customer is collected: its segment (created if new), its cadence (by name; it must exist) and
          its collector (a staff email). Leave a column out to keep those fields as they are; an empty cell clears the field.
        </p>
        <pre tabIndex={0} className="overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs">{CUSTOMER_EXAMPLE}</pre>
        <h3 className="font-semibold">Invoices: one row per invoice line</h3>
        <p>
          Columns: <code className="break-all">{columns.invoices.join(",")}</code>. Rows with the same <code>external_id</code> are the lines of one invoice, in order; its invoice-level columns (customer to memo) must be the same on every
          line. The customer must exist already (import customers first). <strong>Amounts (<code>tax_total</code>, <code>line_unit_amount</code>) are decimal amounts in major units</strong>, e.g. 12.50 for
          $12.50 (a negative unit amount is a discount line; an empty tax_total is 0). Dates are YYYY-MM-DD; <code>line_quantity</code> is a decimal with up to 3 decimals (empty means 1).
          Optional columns <code>{optionalColumns.invoices.join(",")}</code> give the payment terms, e.g. 30, 2, 10 for 2/10 net 30 (the discount columns together or both empty); empty cells give a new
          invoice its customer&apos;s default terms and leave an existing invoice&apos;s terms as they are.
        </p>
        <pre tabIndex={0} className="overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs">{INVOICE_EXAMPLE}</pre>
      </section>
    </>
  );
}
