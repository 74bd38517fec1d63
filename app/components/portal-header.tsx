import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { SignOutButton } from "./sign-out-button";

interface Account {
  id: string;
  name: string;
  number: string;
}

const sections = [
  { to: "/invoices", label: "Invoices" },
  { to: "/statement", label: "Statement" },
  { to: "/payments", label: "Payments" },
  { to: "/plans", label: "Payment plans" },
  { to: "/autopay", label: "Autopay" },
  { to: "/payment-methods", label: "Payment methods" },
  { to: "/disputes", label: "Disputes" },
];

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100"}`;

const phoneNavClass = ({ isActive }: { isActive: boolean }) =>
  `flex min-h-11 items-center rounded-md px-3 text-base font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-800 hover:bg-slate-100"}`;

/** After switching accounts, a page of the old account's invoice or plan makes no sense: go to its list. */
export function switchReturnTo(pathname: string): string {
  if (pathname.startsWith("/invoices/")) return "/invoices";
  if (pathname.startsWith("/plans/") && pathname !== "/plans/new") return "/plans";
  return pathname;
}

/**
 * The payer's header. On wider screens everything is in view; on a phone (below `sm`) it is one
 * row — the company, the active account as a link to switch, and a menu button — so the page
 * starts on the first screen. The menu is a <details>, so it opens without JavaScript too.
 */
export function PortalHeader({ companyName, userName, accounts, activeAccount }: { companyName: string; userName: string; accounts: Account[]; activeAccount: Account }) {
  const location = useLocation();
  const returnTo = switchReturnTo(location.pathname);
  const switchHref = `/account/switch?${new URLSearchParams({ returnTo })}`;
  const menu = useRef<HTMLDetailsElement>(null);
  // A client-side navigation keeps the header mounted: fold the menu once the page has changed.
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [location.key]);

  return (
    <header className="relative border-b border-slate-200 bg-white">
      <div className="flex items-center justify-between gap-3 px-4 py-2 sm:hidden">
        <div className="min-w-0">
          <p className="truncate text-sm font-semibold text-brand-700" data-testid="company-name-phone">
            {companyName}
          </p>
          {accounts.length > 1 ? (
            <Link to={switchHref} className="inline-flex min-h-6 max-w-full items-center text-sm text-slate-800 underline" data-testid="account-switch-link">
              <span className="truncate">
                {activeAccount.name} ({activeAccount.number})
              </span>
              <span className="sr-only">, switch account</span>
            </Link>
          ) : (
            <p className="truncate text-sm text-slate-700">
              {activeAccount.name} ({activeAccount.number})
            </p>
          )}
        </div>
        <details ref={menu} className="group shrink-0">
          <summary className="flex min-h-11 min-w-11 cursor-pointer list-none items-center justify-center rounded-md px-3 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100 [&::-webkit-details-marker]:hidden">
            Menu
          </summary>
          {/* Not laid out while closed: a closed <details> would position it against itself. */}
          <div className="absolute inset-x-0 top-full z-20 hidden border-b border-slate-200 bg-white px-4 pt-2 pb-4 shadow-md group-open:block">
            <nav aria-label="Main">
              <ul className="grid gap-1">
                {sections.map((s) => (
                  <li key={s.to}>
                    <NavLink to={s.to} className={phoneNavClass}>
                      {s.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="mt-3 flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 pt-3">
              <p className="text-sm text-slate-700">Signed in as {userName}</p>
              <div className="flex flex-wrap gap-2">
                {accounts.length > 1 ? (
                  <Link to={switchHref} className="inline-flex min-h-11 items-center rounded-md px-3 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
                    Switch account
                  </Link>
                ) : null}
                <Link to="/settings/notifications" className="inline-flex min-h-11 items-center rounded-md px-3 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
                  Email preferences
                </Link>
                <SignOutButton className="min-h-11 rounded-md px-3 text-sm ring-1 ring-slate-300 hover:bg-slate-100" />
              </div>
            </div>
          </div>
        </details>
      </div>

      <div className="hidden sm:block">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div>
            <p className="text-sm font-semibold text-brand-700" data-testid="company-name">
              {companyName}
            </p>
            <p className="text-sm text-slate-700">{userName}</p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            {accounts.length > 1 ? (
              <Form method="post" action="/account/switch" className="flex max-w-full flex-wrap items-center gap-2">
                <input type="hidden" name="returnTo" value={returnTo} />
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
            <Link to="/settings/notifications" className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
              Email preferences
            </Link>
            <SignOutButton className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-100" />
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap gap-1 px-4 pb-2">
          {sections.map((s) => (
            <NavLink key={s.to} to={s.to} className={navClass}>
              {s.label}
            </NavLink>
          ))}
        </nav>
      </div>
    </header>
  );
}
