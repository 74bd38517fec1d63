import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { FormErrors, TextField } from "~/components/forms/fields";
import { LocalTime } from "~/components/local-time";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";

/**
 * "Verifying your bank account": what the payer must do while Stripe's microdeposits are on their
 * way, the form to type the two amounts (or the SM code), and Stripe's own page as an alternative.
 * Used by the payment page and the plan page.
 */
export function BankVerificationPanel({
  verificationUrl,
  expiresAt,
  lastResult,
  what,
}: {
  verificationUrl: string | null;
  expiresAt: string | null;
  lastResult: SubmissionResult<string[]> | undefined;
  what: "payment" | "plan";
}) {
  const [form, fields] = useForm<{ intent: string; amount_1: string; amount_2: string; descriptor_code: string }>({ id: "verify-bank", lastResult, shouldRevalidate: "onInput" });
  const busy = useNavigation().state !== "idle";
  return (
    <section aria-labelledby="verify-bank-heading" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="verify-bank-heading" className="text-lg font-semibold">
        Verifying your bank account
      </h2>
      <p>
        Stripe sent two small deposits (under $1.00 each) to your bank account; they arrive in 1–2 business days. When you see them on your statement, enter the amounts below
        {what === "payment" ? " and your payment goes ahead" : " and your plan starts"}. Until then nothing is debited{what === "payment" ? " and the invoices show this payment as pending" : ""}.
      </p>
      {expiresAt ? (
        <p className="text-sm text-slate-700">
          Verify by <LocalTime iso={expiresAt} dateOnly />: after that, or after 3 wrong tries, the {what} {what === "payment" ? "fails" : "is canceled"} and nothing is taken.
        </p>
      ) : null}
      <Form method="post" className="space-y-3" {...getFormProps(form)}>
        <FormErrors form={form} />
        {fields.intent.errors?.length ? <Alert tone="error">{fields.intent.errors.join(" ")}</Alert> : null}
        <input type="hidden" name="intent" value="verify_bank" />
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField meta={fields.amount_1} label="First deposit ($)" inputMode="decimal" placeholder="0.00" autoComplete="off" />
          <TextField meta={fields.amount_2} label="Second deposit ($)" inputMode="decimal" placeholder="0.00" autoComplete="off" />
        </div>
        <TextField meta={fields.descriptor_code} label="Or, if you got one deposit, the 6-character code in its description" hint="It starts with SM, like SM11AA." autoComplete="off" />
        <Button type="submit" disabled={busy}>
          Verify bank account
        </Button>
      </Form>
      {verificationUrl ? (
        <p className="text-sm">
          You can also verify on{" "}
          <a href={verificationUrl} className="text-brand-700 underline" rel="noreferrer">
            Stripe&apos;s verification page
          </a>
          .
        </p>
      ) : null}
    </section>
  );
}
