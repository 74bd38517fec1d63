import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthShell } from "~/components/auth-shell";
import { brand } from "~/modules/brand/company.server";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { linkForm } from "~/modules/auth/sign-in-forms.server";
import { linkFailures, signInWithLink } from "~/modules/auth/sign-in.server";
import { parseForm } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { problemJson } from "~/utils/problem-response.server";
import { clientOf } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sign in · ${data?.brand.companyName ?? "Payment portal"}` }];

// Mail scanners fetch links: this GET only shows a button and never consumes the token.
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return json({ token, brand: brand() });
}

// The page has no fields to mark: whatever went wrong is one message (problemJson), not a form to fix.
export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await parseForm(request, linkForm);
  if (submission.status !== "success") return json({ problem: { message: linkFailures.invalid } }, { status: 422 });
  const result = await signInWithLink({ token: submission.value.token, ...clientOf(request, context) });
  if (isProblem(result)) return problemJson(result);
  throw redirect(result.home, { headers: { "Set-Cookie": result.setCookie } });
}

export default function VerifyLink() {
  const { token, brand } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (actionData?.problem || !token) {
    return (
      <AuthShell brand={brand} title="We could not sign you in">
        <Alert tone="error">{actionData?.problem.message ?? linkFailures.invalid}</Alert>
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
