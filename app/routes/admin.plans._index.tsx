import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminPlanFilters, AdminPlanTable, isPlanStatus } from "~/components/plans/admin-plan-list";
import { planStatusLabel } from "~/components/plans/plan-status";
import { requireStaffActor } from "~/modules/auth/session.server";
import { countPlansAwaitingApproval, listPlans } from "~/modules/plans/list-plans.server";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Payment plans · AR admin" }];

const LIMIT = 200;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, actor } = await requireStaffActor(request, context);
  const requested = new URL(request.url).searchParams.get("status");
  const status = isPlanStatus(requested) ? requested : null;
  const [plans, awaiting] = await Promise.all([listPlans(actor, { status, limit: LIMIT }).then(orThrow), countPlansAwaitingApproval()]);
  return json({ status, plans, awaiting, canEditRules: staff.user.role === "ar_admin" });
}

const tabClass = (current: boolean) =>
  `inline-flex min-h-10 items-center rounded-md px-3 py-2 text-sm font-medium ${current ? "bg-slate-800 text-white" : "bg-white text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100"}`;

export default function AdminPlans() {
  const { status, plans, awaiting, canEditRules } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-2xl font-semibold">Payment plans</h1>
        {canEditRules ? (
          <Link to="/admin/plans/settings" className="text-sm text-brand-700 underline">
            Plan rules
          </Link>
        ) : null}
      </div>
      <nav aria-label="Plan views" className="mt-4 flex flex-wrap gap-2">
        <Link to="/admin/plans" className={tabClass(status === null)} aria-current={status === null ? "page" : undefined}>
          All plans
        </Link>
        <Link
          to="/admin/plans?status=awaiting_approval"
          className={tabClass(status === "awaiting_approval")}
          aria-current={status === "awaiting_approval" ? "page" : undefined}
          data-testid="plans-awaiting-tab"
        >
          Waiting for approval ({awaiting})
        </Link>
        <Link to="/admin/plans?status=active" className={tabClass(status === "active")} aria-current={status === "active" ? "page" : undefined}>
          Active
        </Link>
      </nav>
      {status === "awaiting_approval" && awaiting > 0 ? (
        <p className="mt-3 text-sm text-slate-700">These plans are above the approval threshold: open one to approve or decline it. Nothing is charged until then.</p>
      ) : null}
      <AdminPlanFilters status={status} />
      <AdminPlanTable
        rows={plans}
        caption={status ? `Payment plans: ${planStatusLabel(status)}` : "Payment plans, newest first"}
        empty={status ? `No plans are ${planStatusLabel(status).toLowerCase()}.` : "No payment plans yet."}
      />
      {plans.length >= LIMIT ? <p className="mt-3 text-sm text-slate-700">Showing the newest {LIMIT} plans. Filter by status to narrow the list.</p> : null}
    </>
  );
}
