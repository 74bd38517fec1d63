import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { channelLabels } from "~/components/collections/cadence-format";
import { CadencePreview, PreviewEmail } from "~/components/collections/cadence-preview";
import { CollectionsNav } from "~/components/collections/collections-nav";
import { FieldErrors, FormErrors, SelectField, TextAreaField, TextField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { customerListQuery, listCustomers } from "~/modules/admin/list-customers.server";
import { requireStaffActor } from "~/modules/auth/session.server";
import { cadencePageForm } from "~/modules/collections/cadence-forms.server";
import { deleteCadenceStep } from "~/modules/collections/delete-cadence-step.server";
import { deleteCadence } from "~/modules/collections/delete-cadence.server";
import { getCadence } from "~/modules/collections/get-cadence.server";
import { CADENCE_NOT_FOUND, canConfigureCollections } from "~/modules/collections/permissions";
import { previewReminder, type ReminderPreview } from "~/modules/collections/preview-reminder.server";
import { saveCadenceStep } from "~/modules/collections/save-cadence-step.server";
import { saveCadence } from "~/modules/collections/save-cadence.server";
import { setDefaultCadence } from "~/modules/collections/set-default-cadence.server";
import { stepLabel, stepWhen, templatePlaceholders } from "~/modules/collections/steps";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem, type Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.cadence.name ?? "Cadence"} · Cadences · AR admin` }];

const PREVIEW_SEARCH_RESULTS = 10;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const { cadence, steps, usage } = orThrow(await getCadence(actor, params.cadenceId ?? ""));
  const search = new URL(request.url).searchParams;
  // The preview: a step (the one asked for, else the first email step) and a real account.
  const q = customerListQuery.parse({ q: search.get("q") ?? "", page: 1 }).q;
  const stepParam = search.get("step");
  const previewStepId = steps.find((s) => s.id === stepParam)?.id ?? steps.find((s) => s.channel === "email")?.id ?? steps[0]?.id ?? null;
  const accountId = search.get("account")?.slice(0, 100) ?? "";
  const found = q ? (await listCustomers({ q, page: 1 })).rows.slice(0, PREVIEW_SEARCH_RESULTS).map((a) => ({ id: a.id, name: a.name, number: a.number })) : [];
  const preview = previewStepId && accountId && !accountId.includes("\u0000") ? await previewReminder(actor, { cadenceId: cadence.id, stepId: previewStepId, accountId }) : null;
  return json({
    cadence: { id: cadence.id, name: cadence.name, description: cadence.description, isDefault: cadence.isDefault },
    steps: steps.map((s) => ({ id: s.id, offsetDays: s.offsetDays, channel: s.channel, subject: s.subject, body: s.body })),
    usage,
    canEdit: canConfigureCollections(actor),
    placeholders: templatePlaceholders,
    previewSearch: { q, found, stepId: previewStepId },
    preview: preview && !isProblem(preview) ? preview : null,
    previewError: preview && isProblem(preview) ? preview.message : null,
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const cadenceId = params.cadenceId ?? "";
  const submission = await parseForm(request, cadencePageForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const here = `/admin/collections/cadences/${cadenceId}`;
  // An agent posting by hand, or a cadence that is gone: the page's 403 or 404, not a form error.
  const settle = <T,>(result: T | Problem): T | Problem => {
    if (isProblem(result) && (result.kind === "forbidden" || (result.kind === "not_found" && result.message === CADENCE_NOT_FOUND))) orThrow(result);
    return result;
  };

  switch (form.intent) {
    case "save": {
      const result = settle(await saveCadence(actor, { cadenceId, name: form.name, description: form.description }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(here, "Cadence saved.");
    }
    case "make_default": {
      const result = settle(await setDefaultCadence(actor, { cadenceId }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(here, "This is now the default cadence: accounts without their own or their segment's cadence follow it from the next run.");
    }
    case "delete": {
      const result = settle(await deleteCadence(actor, { cadenceId }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast("/admin/collections/cadences", `Cadence ${result.name} deleted.`);
    }
    case "save_step": {
      const result = settle(await saveCadenceStep(actor, { cadenceId, stepId: form.stepId, offsetDays: String(form.offsetDays), channel: form.channel, subject: form.subject, body: form.body }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      return redirectWithToast(`${here}?step=${encodeURIComponent(result.stepId)}`, result.created ? `Step ${stepLabel(result.offsetDays)} added.` : `Step ${stepLabel(result.offsetDays)} saved.`);
    }
    case "preview_step": {
      // The draft as typed, rendered for the chosen account; nothing is saved and the form keeps what was typed.
      const draft = { offsetDays: form.offsetDays, channel: form.channel, subject: form.subject, body: form.body ?? "" };
      const result = await previewReminder(actor, { cadenceId, accountId: form.previewAccount, draft });
      if (isProblem(result)) return replyWithProblem(submission, result);
      return json({ ...submission.reply(), draftPreview: result });
    }
    case "delete_step": {
      const result = settle(await deleteCadenceStep(actor, { cadenceId, stepId: form.stepId }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(here, `Step ${stepLabel(result.offsetDays)} removed.`);
    }
  }
}

type Reply = SubmissionResult<string[]> & { draftPreview?: ReminderPreview };
type StepValues = { offsetDays: string; channel: string; subject: string; body: string; stepId: string; previewAccount: string };
const intentOf = (reply: Reply | undefined) => (reply?.initialValue as { intent?: string; stepId?: string } | undefined) ?? {};
const boxClass = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

export default function AdminCadence() {
  const { cadence, steps, usage, canEdit, placeholders, previewSearch, preview, previewError } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const sent = intentOf(reply);
  const [settings, settingsFields] = useForm<{ name: string; description: string }>({
    id: "cadence-settings",
    lastResult: sent.intent === "save" ? reply : undefined,
    defaultValue: { name: cadence.name, description: cadence.description ?? "" },
  });
  // The buttons' forms (make default, delete, remove a step) have no fields: their Problem is shown at the top.
  const [actions] = useForm({ id: "cadence-actions", lastResult: sent.intent === "make_default" || sent.intent === "delete" || sent.intent === "delete_step" ? reply : undefined });
  const inUse = usage.direct > 0 || usage.segments.length > 0;
  // A step form's own answer: its save refused, or its draft previewed.
  const stepReply = (stepId: string | undefined) => ((sent.intent === "save_step" || sent.intent === "preview_step") && sent.stepId === stepId ? reply : undefined);
  const previewAccount = preview ? preview.account : null;

  return (
    <>
      <CollectionsNav />
      <p className="mb-2">
        <Link to="/admin/collections/cadences" className="text-sm text-brand-700 underline">
          ← Cadences
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        {cadence.name}
        {cadence.isDefault ? <span className="ml-2 align-middle rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">Default</span> : null}
      </h1>
      {cadence.description ? <p className="mt-1 text-slate-700">{cadence.description}</p> : null}
      <p className="mt-1 text-sm text-slate-700">
        {usage.direct} account{usage.direct === 1 ? "" : "s"} follow{usage.direct === 1 ? "s" : ""} it directly
        {usage.segments.length === 0 ? "; no segment names it" : `, ${usage.viaSegments} through the segment${usage.segments.length === 1 ? "" : "s"} ${usage.segments.join(", ")}`}
        {cadence.isDefault ? "; every other account follows it as the default" : ""}.
      </p>
      <div className="mt-3 empty:hidden">
        <FormErrors form={actions} />
      </div>

      <section aria-labelledby="steps-heading" className="mt-6">
        <h2 id="steps-heading" className="text-lg font-semibold">
          Steps
        </h2>
        {steps.length === 0 ? <p className="mt-2 text-slate-700">No steps yet: this cadence sends nothing until you add one.</p> : null}
        <ol className="mt-2 space-y-3">
          {steps.map((step) => (
            <li key={step.id} className={boxClass} data-testid="cadence-step" aria-labelledby={`step-${step.id}-title`}>
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h3 id={`step-${step.id}-title`} className="font-semibold">
                  Day {stepLabel(step.offsetDays)} <span className="font-normal text-slate-700">· {stepWhen(step.offsetDays)} · {channelLabels[step.channel]}</span>
                </h3>
                <Link to={`?step=${encodeURIComponent(step.id)}#preview`} className="text-sm text-brand-700 underline" preventScrollReset>
                  Preview
                </Link>
              </div>
              <p className="mt-1 text-sm">
                <span className="font-medium">{step.channel === "call" ? "Task" : "Subject"}:</span> {step.subject}
              </p>
              {step.body ? <p className="mt-1 text-sm whitespace-pre-wrap text-slate-800">{step.body}</p> : null}
              {canEdit ? (
                <div className="mt-3 flex flex-wrap items-start gap-3">
                  <StepForm key={`${step.id}:${step.offsetDays}:${step.subject}:${step.body}:${step.channel}`} step={step} reply={stepReply(step.id)} busy={busy} placeholders={placeholders} previewAccount={previewAccount} />
                  <Form method="post">
                    <input type="hidden" name="intent" value="delete_step" />
                    <input type="hidden" name="stepId" value={step.id} />
                    <Button type="submit" variant="secondary" disabled={busy} aria-label={`Remove step ${stepLabel(step.offsetDays)}`}>
                      Remove
                    </Button>
                  </Form>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
        {canEdit ? (
          <div className={`mt-4 ${boxClass}`}>
            <h3 className="font-semibold">Add a step</h3>
            <StepForm key={`new:${steps.length}`} step={null} reply={stepReply(undefined)} busy={busy} placeholders={placeholders} previewAccount={previewAccount} />
          </div>
        ) : (
          <p className="mt-4 text-slate-700">Only an AR admin can change cadences and their templates.</p>
        )}
      </section>

      <CadencePreview steps={steps} search={previewSearch} preview={preview} error={previewError} />

      {canEdit ? (
        <section aria-labelledby="settings-heading" className="mt-8 max-w-xl">
          <h2 id="settings-heading" className="text-lg font-semibold">
            Name and description
          </h2>
          <Form method="post" className={`mt-2 space-y-4 ${boxClass}`} {...getFormProps(settings)}>
            <input type="hidden" name="intent" value="save" />
            <FormErrors form={settings} />
            <TextField meta={settingsFields.name} label="Name" maxLength={100} autoComplete="off" />
            <TextField meta={settingsFields.description} label="Description (optional)" maxLength={500} autoComplete="off" />
            <Button type="submit" disabled={busy}>
              Save
            </Button>
          </Form>
          <div className="mt-4 flex flex-wrap gap-3">
            {cadence.isDefault ? null : (
              <Form method="post">
                <input type="hidden" name="intent" value="make_default" />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Make this the default cadence
                </Button>
              </Form>
            )}
            {cadence.isDefault || inUse ? (
              <p className="text-sm text-slate-700">{cadence.isDefault ? "The default cadence cannot be deleted." : "A cadence in use cannot be deleted: give its accounts and segments another cadence first."}</p>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="delete" />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Delete cadence
                </Button>
              </Form>
            )}
          </div>
        </section>
      ) : null}
    </>
  );
}

/** Adds a step (step null) or edits one, inside a disclosure that opens by itself when the server refused it. */
function StepForm({
  step,
  reply,
  busy,
  placeholders,
  previewAccount,
}: {
  step: { id: string; offsetDays: number; channel: string; subject: string; body: string } | null;
  reply: Reply | undefined;
  busy: boolean;
  placeholders: readonly string[];
  previewAccount: { id: string; name: string } | null;
}) {
  const [form, fields] = useForm<StepValues>({
    id: step ? `step-${step.id}` : "new-step",
    lastResult: reply,
    defaultValue: step ? { offsetDays: stepLabel(step.offsetDays).replace("−", "-"), channel: step.channel, subject: step.subject, body: step.body, stepId: step.id } : { channel: "email" },
  });
  const body = (
    <Form method="post" className="mt-2 space-y-4" {...getFormProps(form)}>
      {step ? <input type="hidden" name="stepId" value={step.id} /> : null}
      {previewAccount ? <input type="hidden" name="previewAccount" value={previewAccount.id} /> : null}
      <FormErrors form={form} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField meta={fields.offsetDays} label="Day (from the due date)" hint="-3 is three days before, 0 the due date, 14 two weeks after (−90 to 365)." autoComplete="off" />
        <SelectField
          meta={fields.channel}
          label="Channel"
          options={[
            { value: "email", label: "Email to the customer" },
            { value: "call", label: "Call task for the collector" },
          ]}
        />
      </div>
      <TextField meta={fields.subject} label="Subject (for a call: the task)" maxLength={200} autoComplete="off" />
      <TextAreaField
        meta={fields.body}
        label="Message (for a call: the script, optional)"
        hint={`The invoices, their amounts and the pay link are listed below it. Placeholders: ${placeholders.map((p) => `{{${p}}}`).join(", ")}.`}
        rows={6}
        maxLength={5000}
      />
      <div className="flex flex-wrap gap-3">
        {/* First, so Enter in a field saves. */}
        <Button type="submit" name="intent" value="save_step" disabled={busy}>
          {step ? "Save step" : "Add step"}
        </Button>
        {previewAccount ? (
          <Button type="submit" name="intent" value="preview_step" variant="secondary" disabled={busy}>
            Preview this draft for {previewAccount.name}
          </Button>
        ) : (
          <p className="self-center text-sm text-slate-600">To preview a draft before saving it, choose an account under “Preview with a real account”.</p>
        )}
      </div>
      <FieldErrors meta={fields.previewAccount} />
      {reply?.draftPreview ? <PreviewEmail preview={reply.draftPreview} title="Draft, not saved" /> : null}
    </Form>
  );
  if (!step) return body;
  return (
    <details className="min-w-0 flex-1" open={!!reply?.draftPreview || (form.errors?.length ?? 0) > 0 || Object.values(fields).some((f) => (f.errors?.length ?? 0) > 0)}>
      <summary className="inline-flex min-h-10 cursor-pointer items-center text-sm font-medium text-brand-700 underline">Edit step {stepLabel(step.offsetDays)}</summary>
      {body}
    </details>
  );
}
