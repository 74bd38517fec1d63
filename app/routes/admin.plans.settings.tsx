import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminPlanRulesForm } from "~/components/plans/admin-plan-rules-form";
import { requireStaffActor } from "~/modules/auth/session.server";
import { PLAN_RULES_CURRENCY, planRulesForm, planRulesFormValues } from "~/modules/plans/forms.server";
import { getPlanRules, updatePlanRules } from "~/modules/plans/policy.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Plan rules · AR admin" }];

/** Only an AR admin changes the rules; an agent is told so (403) rather than shown a form (`updatePlanRules` checks it too). */
async function requireArAdmin(request: Request, context: ActionFunctionArgs["context"]) {
  const staff = await requireStaffActor(request, context);
  if (staff.actor.role !== "ar_admin") throw new Response("Only an AR admin can change the payment plan rules.", { status: 403 });
  return staff;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireArAdmin(request, context);
  return json({ values: planRulesFormValues(await getPlanRules()), currency: PLAN_RULES_CURRENCY });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireArAdmin(request, context);
  const submission = await parseForm(request, planRulesForm);
  if (submission.status !== "success") return invalidReply(submission);
  const result = await updatePlanRules(actor, submission.value);
  if (isProblem(result)) return replyWithProblem(submission, result);
  return redirectWithToast("/admin/plans/settings", "Plan rules saved. New plans follow them from now on; running plans are unchanged.");
}

export default function AdminPlanRules() {
  const { values, currency } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/plans" className="text-sm text-brand-700 underline">
          ← Payment plans
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Plan rules</h1>
      <p className="mt-1 max-w-2xl text-slate-700">
        What payers may choose when they put invoices on a payment plan. Changes apply to plans set up from now on: running plans keep the rules
        they were created with.
      </p>
      {/* Remounted when the saved rules change, so a successful save shows what was stored. */}
      <AdminPlanRulesForm key={JSON.stringify(values)} values={values} lastResult={lastResult} currency={currency} busy={busy} />
    </>
  );
}
