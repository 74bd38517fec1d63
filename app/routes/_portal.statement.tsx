import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { StatementView } from "~/components/statement-view";
import { buttonLinkClass } from "~/components/ui/button";
import { requirePayer } from "~/modules/auth/session.server";
import { getStatement } from "~/modules/invoices/get-statement.server";
import { formatDate } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: "Statement of account · Payment portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const statement = await getStatement({ kind: "payer", userId: payer.user.id }, payer.activeAccount.id);
  if (!statement) throw new Response("Not found", { status: 404 });
  return json({ statement });
}

export default function StatementPage() {
  const { statement } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Statement of account</h1>
          <p className="text-slate-700">
            {statement.account.name} ({statement.account.number}) · as of {formatDate(statement.asOf)}
          </p>
        </div>
        <a href="/statement/pdf" download className={buttonLinkClass}>
          Download statement PDF
        </a>
      </div>
      <StatementView statement={statement} invoiceHref={(id) => `/invoices/${id}`} />
    </>
  );
}
