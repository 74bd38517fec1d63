import { getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CollectionsNav } from "~/components/collections/collections-nav";
import { FormErrors, TextField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { requireStaffActor } from "~/modules/auth/session.server";
import { collectionRulesForm, collectionRulesFormValues } from "~/modules/collections/cadence-forms.server";
import { COLLECTIONS_CONFIG_FORBIDDEN } from "~/modules/collections/permissions";
import { getCollectionRules } from "~/modules/collections/rules.server";
import { updateCollectionRules } from "~/modules/collections/update-collection-rules.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Collection rules · Collections · AR admin" }];

/** Only an AR admin changes the rules; an agent is told so (403) rather than shown a form (`updateCollectionRules` checks it too). */
async function requireArAdmin(request: Request, context: ActionFunctionArgs["context"]) {
  const staff = await requireStaffActor(request, context);
  if (staff.actor.role !== "ar_admin") throw new Response(COLLECTIONS_CONFIG_FORBIDDEN, { status: 403 });
  return staff;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireArAdmin(request, context);
  return json({ values: collectionRulesFormValues(await getCollectionRules()) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireArAdmin(request, context);
  const submission = await parseForm(request, collectionRulesForm);
  if (submission.status !== "success") return invalidReply(submission);
  const result = await updateCollectionRules(actor, submission.value);
  if (isProblem(result)) return replyWithProblem(submission, result);
  return redirectWithToast("/admin/collections/settings", "Collection rules saved. New promises and pay links follow them; those already made keep their dates.");
}

export default function AdminCollectionRules() {
  const { values } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm<typeof values>({ id: `rules-${JSON.stringify(values)}`, lastResult, defaultValue: values });
  return (
    <>
      <CollectionsNav />
      <h1 className="text-2xl font-semibold">Collection rules</h1>
      <p className="mt-1 max-w-2xl text-slate-700">How far ahead customers may promise to pay, how long reminders wait after a promise&apos;s date, and how long the pay links in reminders work.</p>
      <Form method="post" className="mt-4 max-w-2xl space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200" {...getFormProps(form)}>
        <FormErrors form={form} title="The rules were not saved." />
        <TextField meta={fields.promiseMaxDays} label="Longest promise (days)" hint="A promise to pay may name a date at most this many days ahead (1 to 365)." inputMode="numeric" autoComplete="off" />
        <TextField
          meta={fields.promiseGraceDays}
          label="Grace after a promise (days)"
          hint="Reminders stay paused this many days after the promised date; unpaid then, the promise is broken and reminders resume the next day (0 to 60)."
          inputMode="numeric"
          autoComplete="off"
        />
        <TextField meta={fields.payLinkDays} label="Pay links work for (days)" hint="A reminder's pay link stops working this many days after it is sent (1 to 365)." inputMode="numeric" autoComplete="off" />
        <Button type="submit" disabled={busy}>
          Save rules
        </Button>
      </Form>
    </>
  );
}
