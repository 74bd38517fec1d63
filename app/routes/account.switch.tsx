import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { env } from "~/env.server";
import { requirePayer, requirePayerActor, switchActiveAccount } from "~/modules/auth/session.server";
import { returnToPath, switchAccountForm } from "~/modules/auth/sign-in-forms.server";
import { parseForm } from "~/utils/form.server";
import { notFound } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Switch account" }];

/**
 * The account chooser a phone's header links to (its account name): one button per account, a
 * plain form post, so it works without JavaScript. A payer with one account has nothing to choose.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const returnTo = returnToPath.parse(new URL(request.url).searchParams.get("returnTo") ?? undefined);
  if (payer.accounts.length < 2) throw redirect(returnTo);
  return json({ companyName: env().COMPANY_NAME, accounts: payer.accounts, activeAccountId: payer.activeAccount.id, returnTo });
}

// The buttons carry only hidden fields: a form that does not name one of the payer's accounts is not_found.
export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const submission = await parseForm(request, switchAccountForm);
  if (submission.status !== "success") return orThrow(notFound());
  orThrow(await switchActiveAccount(actor, { session: payer, accountId: submission.value.accountId }));
  return redirect(submission.value.returnTo);
}

export default function SwitchAccount() {
  const { companyName, accounts, activeAccountId, returnTo } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-md px-4 py-6">
      <p className="text-sm font-semibold text-brand-700">{companyName}</p>
      <h1 className="mt-1 text-2xl font-semibold">Switch account</h1>
      <p className="mt-2 text-slate-700">Choose the account to see and pay invoices for.</p>
      <ul className="mt-4 grid gap-2">
        {accounts.map((a) => (
          <li key={a.id}>
            <Form method="post">
              <input type="hidden" name="accountId" value={a.id} />
              <input type="hidden" name="returnTo" value={returnTo} />
              <button
                type="submit"
                aria-current={a.id === activeAccountId ? "true" : undefined}
                className="flex min-h-11 w-full items-center justify-between gap-3 rounded-lg bg-white px-4 py-2 text-left ring-1 ring-slate-300 hover:bg-slate-100 aria-[current]:ring-2 aria-[current]:ring-brand-600"
              >
                <span>
                  {a.name} ({a.number})
                </span>
                {a.id === activeAccountId ? <span className="text-sm text-slate-700">Current</span> : null}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <p className="mt-6">
        <Link to={returnTo} className="inline-flex min-h-11 items-center text-brand-700 underline">
          Back
        </Link>
      </p>
    </main>
  );
}
