import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireStaff } from "~/modules/auth/session.server";
import { countPlansAwaitingApproval } from "~/modules/plans/list-plans.server";
import { SignOutButton } from "~/components/sign-out-button";

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  // One indexed count; the layout reloads after every action, so the badge follows approvals.
  const plansAwaiting = await countPlansAwaitingApproval();
  return json({ user: { name: staff.user.name, role: staff.user.role }, plansAwaiting });
}

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-slate-700 text-white" : "text-slate-200 hover:bg-slate-800"}`;

/** The AR team's frame. Every admin loader checks the role itself too (requireStaff). */
export default function AdminLayout() {
  const { user, plansAwaiting } = useLoaderData<typeof loader>();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <p className="font-semibold">AR admin</p>
          <div className="flex items-center gap-3">
            <p className="text-sm text-slate-200">
              {user.name} · {user.role === "ar_admin" ? "AR admin" : "AR agent"}
            </p>
            <SignOutButton className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-500 hover:bg-slate-800" />
          </div>
        </div>
        <nav aria-label="Admin" className="mx-auto flex max-w-7xl flex-wrap gap-1 px-4 pb-2">
          <NavLink to="/admin" end className={navClass}>
            Dashboard
          </NavLink>
          <NavLink to="/admin/disputes" className={navClass}>
            Disputes
          </NavLink>
          <NavLink to="/admin/collections" className={navClass}>
            Collections
          </NavLink>
          <NavLink to="/admin/customers" className={navClass}>
            Customers
          </NavLink>
          <NavLink to="/admin/invoices" className={navClass}>
            Invoices
          </NavLink>
          <NavLink to="/admin/payments" className={navClass}>
            Payments
          </NavLink>
          <NavLink to="/admin/plans" className={navClass}>
            Plans
            {plansAwaiting > 0 ? (
              <>
                {" "}
                <span className="inline-block rounded-full bg-amber-300 px-1.5 text-xs font-semibold text-slate-950" data-testid="plans-awaiting-badge">
                  {plansAwaiting}
                </span>
                <span className="sr-only"> waiting for approval</span>
              </>
            ) : null}
          </NavLink>
          <NavLink to="/admin/api-keys" className={navClass}>
            API keys
          </NavLink>
          <NavLink to="/admin/webhooks" className={navClass}>
            Webhooks
          </NavLink>
          <NavLink to="/admin/import" className={navClass}>
            Import
          </NavLink>
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <Outlet />
      </main>
    </>
  );
}
