import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthShell } from "~/components/auth-shell";
import { brand } from "~/modules/brand/company.server";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { emailSchema, requestSignInLink } from "~/modules/auth/request-sign-in-link.server";
import { getSignedIn } from "~/modules/auth/session.server";
import { isStaff } from "~/modules/auth/policy";
import { clientOf, formValues, minutesText } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sign in · ${data?.brand.companyName ?? "Payment portal"}` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const signedIn = await getSignedIn(request);
  if (signedIn) throw redirect(isStaff(signedIn.user.role) ? "/admin" : "/invoices");
  const url = new URL(request.url);
  return json({ signedOut: url.searchParams.get("signedOut") === "1", brand: brand() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = await formValues(request);
  const parsed = emailSchema.safeParse(values.email ?? "");
  if (!parsed.success) {
    return json({ email: values.email ?? "", fieldError: parsed.error.issues[0]!.message, formError: null }, { status: 400 });
  }
  const email = parsed.data;
  const next = redirect(`/login/code?email=${encodeURIComponent(email)}`);
  // Honeypot: people never see this field; bots fill it. Answer as usual, send nothing.
  if (values.website) return next;

  const result = await requestSignInLink({ email, ip: clientOf(request, context).ip });
  if (result.status === "rate_limited") {
    return json(
      { email, fieldError: null, formError: `Too many sign-in requests. For your security, please wait ${minutesText(result.retryAfterSeconds)} before asking for another link.` },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  return next;
}

export default function Login() {
  const { signedOut, brand } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <AuthShell brand={brand} title="Sign in">
      {signedOut ? <Alert tone="success">You have signed out.</Alert> : null}
      <p className="mt-2 text-slate-700">Enter the email address your supplier has on file. We will email you a sign-in link and a code.</p>
      <Form method="post" className="mt-4 space-y-4" noValidate>
        {actionData?.formError ? <Alert tone="error">{actionData.formError}</Alert> : null}
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={actionData?.email}
          error={actionData?.fieldError ?? undefined}
        />
        <div className="hidden" aria-hidden="true">
          <label htmlFor="website">Leave this empty</label>
          <input id="website" name="website" type="text" tabIndex={-1} autoComplete="off" />
        </div>
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? "Sending…" : "Email me a sign-in link"}
        </Button>
      </Form>
    </AuthShell>
  );
}
