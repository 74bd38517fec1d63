import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthShell } from "~/components/auth-shell";
import { FormErrors, TextField } from "~/components/forms/fields";
import { brand } from "~/modules/brand/company.server";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { codeForm, emailSchema } from "~/modules/auth/sign-in-forms.server";
import { signInWithCode } from "~/modules/auth/sign-in.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { clientOf } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Check your email · ${data?.brand.companyName ?? "Payment portal"}` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const email = emailSchema.safeParse(new URL(request.url).searchParams.get("email") ?? "");
  if (!email.success) throw redirect("/login");
  return json({ email: email.data, brand: brand() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await parseForm(request, codeForm);
  if (submission.status !== "success") return invalidReply(submission);
  const result = await signInWithCode({ ...submission.value, ...clientOf(request, context) });
  if (isProblem(result)) return replyWithProblem(submission, result);
  throw redirect(result.home, { headers: { "Set-Cookie": result.setCookie } });
}

export default function CheckEmail() {
  const { email, brand } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const [form, fields] = useForm<{ email: string; code: string }>({ id: "code", lastResult });
  const busy = useNavigation().state === "submitting";
  return (
    <AuthShell brand={brand} title="Check your email">
      <Alert>
        If <strong>{email}</strong> is registered with us, a sign-in link is on its way. Open it on this device, or enter the code from the
        email below. The link and code expire in 10 minutes.
      </Alert>
      <Form method="post" className="mt-4 space-y-4" {...getFormProps(form)}>
        <FormErrors form={form} />
        <input type="hidden" name={fields.email.name} value={email} />
        <TextField meta={fields.code} label="Sign-in code" autoComplete="one-time-code" autoCapitalize="characters" spellCheck={false} required />
        <Button type="submit" className="w-full" disabled={busy}>
          Sign in with code
        </Button>
      </Form>
      <p className="mt-4 text-sm">
        <Link className="text-brand-700 underline" to="/login">
          Use a different email or send a new link
        </Link>
      </p>
    </AuthShell>
  );
}
