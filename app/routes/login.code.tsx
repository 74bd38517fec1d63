import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuthShell } from "~/components/auth-shell";
import { brand } from "~/modules/brand/company.server";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { emailSchema } from "~/modules/auth/request-sign-in-link.server";
import { signInWithCode } from "~/modules/auth/sign-in.server";
import { clientOf, formValues, minutesText } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Check your email · ${data?.brand.companyName ?? "Payment portal"}` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const email = emailSchema.safeParse(new URL(request.url).searchParams.get("email") ?? "");
  if (!email.success) throw redirect("/login");
  return json({ email: email.data, brand: brand() });
}

const codeForm = z.object({
  email: emailSchema,
  code: z.string().trim().min(1, "Enter the code from the email").max(20, "That code is too long"),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = codeForm.safeParse(await formValues(request));
  if (!parsed.success) {
    return json({ error: parsed.error.issues[0]!.message }, { status: 400 });
  }
  const result = await signInWithCode({ ...parsed.data, ...clientOf(request, context) });
  if (result.ok) throw redirect(result.home, { headers: { "Set-Cookie": result.setCookie } });
  if (result.reason === "rate_limited") {
    return json({ error: `Too many attempts. Please wait ${minutesText(result.retryAfterSeconds ?? 60)} and request a new link.` }, { status: 429 });
  }
  return json({ error: "That code is not right, or it has expired. Check the newest email from us, or request a new link." }, { status: 400 });
}

export default function CheckEmail() {
  const { email, brand } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <AuthShell brand={brand} title="Check your email">
      <Alert>
        If <strong>{email}</strong> is registered with us, a sign-in link is on its way. Open it on this device, or enter the code from the
        email below. The link and code expire in 10 minutes.
      </Alert>
      <Form method="post" className="mt-4 space-y-4" noValidate>
        <input type="hidden" name="email" value={email} />
        <Field
          label="Sign-in code"
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          required
          error={actionData?.error}
        />
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
