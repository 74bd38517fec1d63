import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { StatementView } from "~/components/statement-view";
import { Alert } from "~/components/ui/alert";
import { Button, buttonLinkClass } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { requirePayerActor } from "~/modules/auth/session.server";
import { getStatement, readStatementQuery } from "~/modules/invoices/get-statement.server";
import { formatDate } from "~/utils/dates";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Statement of account · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const query = readStatementQuery(new URL(request.url).searchParams);
  // A bad period is explained above the default one, with a 400: never a 500.
  const period = query.period;
  const statement = orThrow(await getStatement(actor, payer.activeAccount.id, period, query.ok ? query.page : 1));
  return json({ statement, error: query.ok ? null : query.message }, { status: query.ok ? 200 : 400 });
}

export default function StatementPage() {
  const { statement, error } = useLoaderData<typeof loader>();
  const { from, to } = statement.period;
  const files = `from=${from}&to=${to}`;
  const lineCount = statement.sections.reduce((n, s) => n + s.lineCount, 0);
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Statement of account</h1>
          <p className="text-slate-700">
            {statement.account.name} ({statement.account.number}) · {formatDate(from)} – {formatDate(to)}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <a href={`/statement/pdf?${files}`} download className={buttonLinkClass}>
            Download statement PDF
          </a>
          <a href={`/statement.csv?${files}`} download className={buttonLinkClass}>
            Download CSV
          </a>
        </div>
      </div>
      <Form method="get" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Statement period">
        <Field label="From" name="from" type="date" defaultValue={from} required />
        <Field label="To" name="to" type="date" defaultValue={to} required />
        <Button type="submit" variant="secondary">
          Show period
        </Button>
      </Form>
      {error ? (
        <div className="mt-4">
          <Alert tone="error" title="That period cannot be shown">
            {error} Showing {formatDate(from)} – {formatDate(to)} instead.
          </Alert>
        </div>
      ) : null}
      <StatementView statement={statement} />
      {statement.page && statement.page.count > 1 ? (
        <Pagination page={statement.page.number} pageCount={statement.page.count} total={lineCount} noun="lines (the PDF and CSV have them all)" />
      ) : null}
    </>
  );
}
