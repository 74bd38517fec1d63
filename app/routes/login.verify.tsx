import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuthShell } from "~/components/auth-shell";
import { brand } from "~/modules/brand/company.server";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { signInWithLink, type SignInFailure } from "~/modules/auth/sign-in.server";
import { clientOf, formValues, minutesText } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sign in · ${data?.brand.companyName ?? "Payment portal"}` }];

const tokenSchema = z.string().min(20).max(200);

// Mail scanners fetch links: this GET only shows a button and never consumes the token.
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return json({ token, brand: brand() });
}

const failureText: Record<SignInFailure, string> = {
  invalid: "This sign-in link is not valid. It may have been copied incompletely.",
  used: "This sign-in link has already been used, or a newer link was sent. Each link works once.",
  expired: "This sign-in link has expired. Links work for 10 minutes.",
  rate_limited: "Too many sign-in attempts from your network.",
};

export async function action({ request, context }: ActionFunctionArgs) {
  const token = tokenSchema.safeParse((await formValues(request)).token);
  if (!token.success) return json({ error: failureText.invalid }, { status: 400 });
  const result = await signInWithLink({ token: token.data, ...clientOf(request, context) });
  if (result.ok) throw redirect(result.home, { headers: { "Set-Cookie": result.setCookie } });
  const text =
    result.reason === "rate_limited" ? `${failureText.rate_limited} Please wait ${minutesText(result.retryAfterSeconds ?? 60)}.` : failureText[result.reason];
  return json({ error: text }, { status: result.reason === "rate_limited" ? 429 : 400 });
}

export default function VerifyLink() {
  const { token, brand } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (actionData?.error || !token) {
    return (
      <AuthShell brand={brand} title="We could not sign you in">
        <Alert tone="error">{actionData?.error ?? failureText.invalid}</Alert>
        <p className="mt-4">
          <Link className="text-brand-700 underline" to="/login">
            Request a new sign-in link
          </Link>
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell brand={brand} title="Sign in to the payment portal">
      <p className="text-slate-700">Press the button to finish signing in on this device.</p>
      <Form method="post" className="mt-4">
        <input type="hidden" name="token" value={token} />
        <Button type="submit" className="w-full" disabled={busy}>
          Sign in
        </Button>
      </Form>
    </AuthShell>
  );
}
