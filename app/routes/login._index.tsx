import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthShell } from "~/components/auth-shell";
import { FormErrors, TextField } from "~/components/forms/fields";
import { brand } from "~/modules/brand/company.server";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requestSignInLink } from "~/modules/auth/request-sign-in-link.server";
import { requestLinkForm } from "~/modules/auth/sign-in-forms.server";
import { getSignedIn } from "~/modules/auth/session.server";
import { isStaff } from "~/modules/auth/policy";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { clientOf } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sign in · ${data?.brand.companyName ?? "Payment portal"}` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const signedIn = await getSignedIn(request);
  if (signedIn) throw redirect(isStaff(signedIn.user.role) ? "/admin" : "/invoices");
  const url = new URL(request.url);
  return json({ signedOut: url.searchParams.get("signedOut") === "1", brand: brand() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await parseForm(request, requestLinkForm);
  if (submission.status !== "success") return invalidReply(submission);
  const { email, website } = submission.value;
  const next = redirect(`/login/code?email=${encodeURIComponent(email)}`);
  // Honeypot: people never see this field; bots fill it. Answer as usual, send nothing.
  if (website) return next;

  const result = await requestSignInLink({ email, ip: clientOf(request, context).ip });
  return isProblem(result) ? replyWithProblem(submission, result) : next;
}

export default function Login() {
  const { signedOut, brand } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [form, fields] = useForm<{ email: string; website: string }>({ id: "login", lastResult });
  const busy = useNavigation().state === "submitting";
  return (
    <AuthShell brand={brand} title="Sign in">
      {signedOut ? <Alert tone="success">You have signed out.</Alert> : null}
      <p className="mt-2 text-slate-700">Enter the email address your supplier has on file. We will email you a sign-in link and a code.</p>
      <Form method="post" className="mt-4 space-y-4" {...getFormProps(form)}>
        <FormErrors form={form} />
        <TextField meta={fields.email} label="Email address" type="email" autoComplete="email" required />
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
