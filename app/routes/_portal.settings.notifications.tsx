import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormErrors } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { requirePayerActor } from "~/modules/auth/session.server";
import { CONTACT_ROLE_LABELS, NOTIFICATION_KIND_LABELS, notificationPreferencesForm, preferencesFromForm } from "~/modules/notifications/notification-forms.server";
import { getNotificationSettings, saveNotificationPreferences } from "~/modules/notifications/notification-preferences.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Email preferences · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const settings = orThrow(await getNotificationSettings(actor, payer.activeAccount.id));
  // The words come from the loader: their module carries zod, which stays out of the page.
  const kinds = Object.entries(NOTIFICATION_KIND_LABELS).map(([kind, words]) => ({ kind: kind as keyof typeof NOTIFICATION_KIND_LABELS, ...words }));
  return json({ ...settings, kinds, roleLabels: CONTACT_ROLE_LABELS });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const submission = await parseForm(request, notificationPreferencesForm);
  if (submission.status !== "success") return invalidReply(submission);
  const result = await saveNotificationPreferences(actor, { accountId: payer.activeAccount.id, wants: preferencesFromForm(submission.value) });
  if (isProblem(result)) return replyWithProblem(submission, result);
  return redirectWithToast("/settings/notifications", result.changed.length === 0 ? "Nothing to save: your email preferences were already like this." : `Your email preferences for ${payer.activeAccount.name} are saved.`);
}

export default function NotificationSettings() {
  const { account, contacts, mine, kinds, roleLabels } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const busy = useNavigation().state !== "idle";
  const [form] = useForm({ id: "notification-preferences", lastResult });
  // After a refused post, the boxes show what was sent (what the payer ticked), not what is stored.
  const sent = lastResult?.initialValue as Record<string, unknown> | undefined;
  const checked = (kind: keyof typeof mine) => (sent ? sent[kind] === "on" : mine[kind]);
  return (
    <>
      <h1 className="text-2xl font-semibold">Email preferences</h1>
      <p className="mt-1 max-w-prose text-slate-700">
        Which emails you get about {account.name} ({account.number}). Sign-in links always come. Emails about the account go once to its billing contacts, with the others in copy.
      </p>

      <Form method="post" className="mt-6 max-w-xl" {...getFormProps(form)}>
        <FormErrors form={form} />
        <input type="hidden" name="intent" value="save" />
        <fieldset>
          <legend className="text-lg font-semibold">Send me</legend>
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
            {kinds.map((k) => (
              <li key={k.kind}>
                <label className="flex min-h-11 items-start gap-3 px-3 py-3">
                  <input type="checkbox" name={k.kind} value="on" defaultChecked={checked(k.kind)} className="mt-0.5 size-6 shrink-0" />
                  <span className="min-w-0">
                    <span className="font-medium">{k.label}</span>
                    <span className="block text-sm text-slate-600">{k.hint}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Button type="submit" disabled={busy} className="mt-4 max-sm:w-full">
          Save my preferences
        </Button>
      </Form>

      <h2 className="mt-8 text-lg font-semibold">Contacts of {account.name}</h2>
      <p className="mt-1 max-w-prose text-sm text-slate-700">Our accounts receivable team keeps this list; ask them to add someone or change a role.</p>
      <ul className="mt-2 max-w-xl divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200" aria-label={`Contacts of ${account.name}`}>
        {contacts.map((c) => (
          <li key={c.email} className="px-3 py-2">
            <span className="font-medium">
              {c.name}
              {c.me ? " (you)" : ""}
            </span>
            <span className="block text-sm break-all text-slate-600">{c.email}</span>
            <span className="block text-sm text-slate-700">{roleLabels[c.role]}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
