import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { PortalHeader } from "~/components/portal-header";
import { env } from "~/env.server";
import { requirePayer } from "~/modules/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  return json({
    companyName: env().COMPANY_NAME,
    user: { name: payer.user.name, email: payer.user.email },
    accounts: payer.accounts,
    activeAccount: payer.activeAccount,
  });
}

/** The payer's frame: whose portal it is, who is signed in, which account they act for, and the main sections. */
export default function PortalLayout() {
  const { companyName, user, accounts, activeAccount } = useLoaderData<typeof loader>();
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <PortalHeader companyName={companyName} userName={user.name} accounts={accounts} activeAccount={activeAccount} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </>
  );
}
