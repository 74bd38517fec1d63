import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import type { SubmissionResult } from "@conform-to/react";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CreditsPanel } from "~/components/credits/credits-panel";
import { getCustomer } from "~/modules/admin/get-customer.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { applyCreditAsStaff } from "~/modules/credits/apply-credit-as-staff.server";
import { creditChoices } from "~/modules/credits/credit-choices.server";
import { applyCreditForm } from "~/modules/credits/credit-forms.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Credits · ${data?.account.name ?? "Customer"} · AR admin` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const { account } = orThrow(await getCustomer(params.accountId ?? ""));
  const choices = orThrow(await creditChoices(actor, account.id));
  return json({ account: { id: account.id, name: account.name }, choices });
}

/** POST: apply one of the account's credits to one of its invoices (the customer page's Credits section). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const { account } = orThrow(await getCustomer(params.accountId ?? ""));
  const submission = await parseForm(request, applyCreditForm);
  if (submission.status !== "success") return invalidReply(submission);
  const result = await applyCreditAsStaff(actor, { accountId: account.id, ...submission.value });
  if (isProblem(result)) return replyWithProblem(submission, result);
  const left = result.remaining > 0 ? ` The credit has ${formatMoney(result.remaining, result.currency)} left.` : " The credit is used up.";
  const invoice = result.balance === 0 ? `invoice ${result.invoiceNumber}, which is now paid.` : `invoice ${result.invoiceNumber} (balance ${formatMoney(result.balance, result.currency)}).`;
  return redirectWithToast(`/admin/customers/${account.id}#credits`, `Applied ${formatMoney(result.amount, result.currency)} of credit to ${invoice}${left}`);
}

/** The account's credits on their own page: where a refused "Apply to invoice" comes back, with what was typed. */
export default function CustomerCreditsPage() {
  const { account, choices } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p className="mb-4">
        <Link to={`/admin/customers/${account.id}`} className="text-sm text-brand-700 underline">
          ← {account.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Credits of {account.name}</h1>
      <CreditsPanel accountId={account.id} data={choices} lastResult={lastResult} busy={busy} />
    </>
  );
}
