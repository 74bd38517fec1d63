import { getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CollectionsNav } from "~/components/collections/collections-nav";
import { LateFeePolicyFields } from "~/components/fees/late-fee-policy-fields";
import { FormErrors } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { requireStaffActor } from "~/modules/auth/session.server";
import { getDefaultLateFeePolicy } from "~/modules/fees/get-late-fee-policies.server";
import { defaultLateFeePolicyForm, lateFeePolicyFormValues } from "~/modules/fees/late-fee-forms.server";
import { saveDefaultLateFeePolicy } from "~/modules/fees/save-default-late-fee-policy.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Late fees · Collections · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const view = orThrow(await getDefaultLateFeePolicy(actor));
  return json({ values: lateFeePolicyFormValues(view.policy), saved: view.policy !== null, canEdit: view.canEdit });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const submission = await parseForm(request, defaultLateFeePolicyForm);
  if (submission.status !== "success") return invalidReply(submission);
  const result = await saveDefaultLateFeePolicy(actor, submission.value);
  // An agent posting by hand: the page's 403, not a form error.
  if (isProblem(result) && result.kind === "forbidden") orThrow(result);
  if (isProblem(result)) return replyWithProblem(submission, result);
  const here = "/admin/collections/late-fees";
  if (!result.changed) return redirectWithToast(here, "Nothing to save: the policy was already like this.");
  return redirectWithToast(here, submission.value.enabled ? "Late-fee policy saved. The next run charges by it; fees already posted stay." : "Late-fee policy saved, turned off: no customer on the default policy is charged fees.");
}

export default function AdminLateFees() {
  const { values, saved, canEdit } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm<typeof values>({ id: `late-fees-${JSON.stringify(values)}`, lastResult, defaultValue: values, shouldRevalidate: "onSubmit" });
  return (
    <>
      <CollectionsNav />
      <h1 className="text-2xl font-semibold">Late fees</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        The default late-fee policy. A fee is charged only to customers whose contract allows late fees (set on the customer&apos;s page, where a customer can also have a policy of their own), only on the
        undisputed overdue balance, never on an invoice on a payment plan or under an open promise to pay, at most once a month, and up to the caps. Each fee is its own invoice, linked to the
        invoice it is charged on.
      </p>
      {!saved ? <p className="mt-2 text-sm text-slate-700">No default policy yet: no fees are charged except to customers with their own policy.</p> : null}
      {!canEdit ? <p className="mt-2 text-sm text-slate-700">Only an AR admin can change the policy.</p> : null}
      <Form method="post" className="mt-4 max-w-3xl space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200" {...getFormProps(form)}>
        <FormErrors form={form} title="The policy was not saved." />
        <label className="inline-flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" name={fields.enabled.name} value="on" defaultChecked={fields.enabled.initialValue === "on"} disabled={!canEdit} className="size-5" />
          Charge late fees by this policy
        </label>
        <LateFeePolicyFields meta={fields} disabled={!canEdit} />
        {canEdit ? (
          <Button type="submit" disabled={busy}>
            Save policy
          </Button>
        ) : null}
      </Form>
    </>
  );
}
