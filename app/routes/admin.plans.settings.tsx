import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminPlanRulesForm } from "~/components/plans/admin-plan-rules-form";
import { Alert } from "~/components/ui/alert";
import { PLAN_RULES_CURRENCY, planRulesFormValues, readPlanRulesForm } from "~/modules/admin/plan-rules-form.server";
import { requireStaff } from "~/modules/auth/session.server";
import { getPlanRules, updatePlanRules } from "~/modules/plans/policy.server";
import { clientOf } from "~/utils/request.server";
import { readForm } from "~/utils/read-form.server";

export const meta: MetaFunction = () => [{ title: "Plan rules · AR admin" }];

/** Only an AR admin changes the rules; an agent is told so (403) rather than shown a form. */
async function requireArAdmin(request: Request) {
  const staff = await requireStaff(request);
  if (staff.user.role !== "ar_admin") throw new Response("Only an AR admin can change the payment plan rules.", { status: 403 });
  return staff;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireArAdmin(request);
  const rules = await getPlanRules();
  const saved = new URL(request.url).searchParams.get("saved") === "1";
  return json({ values: planRulesFormValues(rules), saved, currency: PLAN_RULES_CURRENCY });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireArAdmin(request);
  const { values, rules, problems } = readPlanRulesForm(await readForm(request));
  if (!rules) return json({ values, problems }, { status: 400 });
  const result = await updatePlanRules(rules, { userId: staff.user.id, ip: clientOf(request, context).ip });
  if (!result.ok && result.forbidden) throw new Response(result.message, { status: 403 });
  if (!result.ok) return json({ values, problems: result.problems }, { status: 400 });
  return redirect("/admin/plans/settings?saved=1");
}

export default function AdminPlanRules() {
  const { values, saved, currency } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
      {saved && !actionData ? (
        <div className="mt-3">
          <Alert tone="success">Plan rules saved. New plans follow them from now on; running plans are unchanged.</Alert>
        </div>
      ) : null}
      {/* Remounted when the saved rules change, so a successful save shows what was stored. */}
      <AdminPlanRulesForm key={JSON.stringify(values)} values={actionData?.values ?? values} problems={actionData?.problems} currency={currency} busy={busy} />
    </>
  );
}
