import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { useNonce } from "./components/nonce";
import { Toast } from "./components/toast";
import { takeToast } from "./utils/toast.server";
import stylesheet from "./tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Payment portal" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/** The one-time notice a redirect left (see app/utils/toast.server.ts). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { toast, headers } = await takeToast(request);
  return json({ toast }, { headers });
}

/**
 * A page that looks again by itself (useRevalidateWhile: same URL, no submission) keeps the toast
 * it arrived with; navigations and submissions read the cookie again.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, currentUrl, nextUrl, defaultShouldRevalidate }) =>
  formMethod || currentUrl.href !== nextUrl.href ? defaultShouldRevalidate : false;

export default function App() {
  const { toast } = useLoaderData<typeof loader>();
  return (
    <>
      <Toast toast={toast} />
      <Outlet />
    </>
  );
}

/** One error page for every status: a message a person can act on, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "We could not show this page. Please try again in a moment.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Page not found";
      message = "We could not find that page. It may have moved, or you may not have access to it.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = typeof error.data === "string" ? error.data : "You do not have access to this page.";
    } else if (error.status === 429) {
      title = "Too many requests";
      message = typeof error.data === "string" ? error.data : "Please wait a moment and try again.";
    } else if (error.status === 503) {
      title = "Temporarily unavailable";
      message = typeof error.data === "string" ? error.data : "Please try again in a minute.";
    } else if (error.status < 500 && typeof error.data === "string") {
      message = error.data;
    }
  } else {
    console.error(error);
  }
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-3 text-slate-700">{message}</p>
      <p className="mt-6">
        <a className="text-brand-700 underline" href="/">
          Go to the portal home
        </a>
      </p>
    </main>
  );
}
