import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData, useLocation } from "@remix-run/react";
import { requirePayer } from "~/modules/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  return json({ user: { name: payer.user.name, email: payer.user.email }, accounts: payer.accounts, activeAccount: payer.activeAccount });
}

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100"}`;

/** After switching accounts, a page of the old account's invoice or plan makes no sense: go to its list. */
function switchReturnTo(pathname: string): string {
  if (pathname.startsWith("/invoices/")) return "/invoices";
  if (pathname.startsWith("/plans/") && pathname !== "/plans/new") return "/plans";
  return pathname;
}

/** The payer's frame: who is signed in, which account they act for, and the main sections. */
export default function PortalLayout() {
  const { user, accounts, activeAccount } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div>
            <p className="text-sm font-semibold text-brand-700">Payment portal</p>
            <p className="text-sm text-slate-700">{user.name}</p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            {accounts.length > 1 ? (
              <Form method="post" action="/account/switch" className="flex max-w-full flex-wrap items-center gap-2">
                <input type="hidden" name="returnTo" value={switchReturnTo(location.pathname)} />
                <label htmlFor="account-switch" className="text-sm text-slate-700">
                  Account
                </label>
                <select id="account-switch" name="accountId" defaultValue={activeAccount.id} className="rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm">
                  {accounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name} ({a.number})
                    </option>
                  ))}
                </select>
                <button type="submit" className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
                  Switch
                </button>
              </Form>
            ) : (
              <p className="text-sm text-slate-700">
                {activeAccount.name} ({activeAccount.number})
              </p>
            )}
            <Form method="post" action="/logout">
              <button type="submit" className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
                Sign out
              </button>
            </Form>
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap gap-1 px-4 pb-2">
          <NavLink to="/invoices" className={navClass}>
            Invoices
          </NavLink>
          <NavLink to="/statement" className={navClass}>
            Statement
          </NavLink>
          <NavLink to="/payments" className={navClass}>
            Payments
          </NavLink>
          <NavLink to="/plans" className={navClass}>
            Payment plans
          </NavLink>
          <NavLink to="/disputes" className={navClass}>
            Disputes
          </NavLink>
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </>
  );
}
