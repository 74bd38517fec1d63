import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CollectionsNav } from "~/components/collections/collections-nav";
import { FormErrors, SelectField, TextField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { requireStaffActor } from "~/modules/auth/session.server";
import { segmentsPageForm } from "~/modules/collections/cadence-forms.server";
import { deleteSegment } from "~/modules/collections/delete-segment.server";
import { listCadences } from "~/modules/collections/list-cadences.server";
import { listSegments } from "~/modules/collections/list-segments.server";
import { canConfigureCollections } from "~/modules/collections/permissions";
import { saveSegment } from "~/modules/collections/save-segment.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem, type Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Segments · Collections · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const [segments, cadences] = await Promise.all([listSegments(actor), listCadences(actor)]);
  return json({
    segments: orThrow(segments),
    cadences: orThrow(cadences).map((c) => ({ id: c.id, name: c.name, isDefault: c.isDefault })),
    canEdit: canConfigureCollections(actor),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const submission = await parseForm(request, segmentsPageForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const here = "/admin/collections/segments";
  // An agent posting by hand: the page's 403, not a form error.
  const settle = <T,>(result: T | Problem): T | Problem => {
    if (isProblem(result) && result.kind === "forbidden") orThrow(result);
    return result;
  };
  switch (form.intent) {
    case "create": {
      const result = settle(await saveSegment(actor, { name: form.name, cadenceId: form.cadenceId ?? null }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(here, `Segment ${result.name} created.`);
    }
    case "update": {
      const result = settle(await saveSegment(actor, { segment: form.segment, name: form.name, cadenceId: form.cadenceId ?? null }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(here, `Segment ${result.name} saved.`);
    }
    case "delete": {
      const result = settle(await deleteSegment(actor, { segment: form.segment }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      const moved = result.accounts === 0 ? "" : ` ${result.accounts} account${result.accounts === 1 ? " no longer has" : "s no longer have"} a segment: they follow their own cadence or the default one.`;
      return redirectWithToast(here, `Segment ${result.name} deleted.${moved}`);
    }
  }
}

type Reply = SubmissionResult<string[]>;
const intentOf = (reply: Reply | undefined) => (reply?.initialValue as { intent?: string; segment?: string } | undefined) ?? {};
const boxClass = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

export default function AdminSegments() {
  const { segments, cadences, canEdit } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const sent = intentOf(reply);
  const defaultName = cadences.find((c) => c.isDefault)?.name ?? "none";
  const cadenceOptions = [{ value: "", label: `The default cadence (${defaultName})` }, ...cadences.map((c) => ({ value: c.id, label: c.name }))];
  const [deleteForm] = useForm({ id: "segment-delete", lastResult: sent.intent === "delete" ? reply : undefined });

  return (
    <>
      <CollectionsNav />
      <h1 className="text-2xl font-semibold">Segments</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        A segment is a tag on accounts (set on the customer&apos;s page, through the API or a CSV import) with the cadence its accounts follow unless they have their own.
      </p>
      <div className="mt-3 empty:hidden">
        <FormErrors form={deleteForm} />
      </div>

      {segments.length === 0 ? <p className="mt-4 text-slate-700">No segments yet.</p> : null}
      <ul className="mt-4 space-y-3">
        {segments.map((s) => (
          <li key={s.name} className={boxClass} data-testid="segment-row">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="font-semibold">{s.name}</h2>
              <p className="text-sm text-slate-700">
                {s.accounts} account{s.accounts === 1 ? "" : "s"} ·{" "}
                {s.cadenceId ? (
                  <Link to={`/admin/collections/cadences/${s.cadenceId}`} className="text-brand-700 underline">
                    {s.cadenceName}
                  </Link>
                ) : (
                  `the default cadence (${defaultName})`
                )}
              </p>
            </div>
            {canEdit ? (
              <div className="mt-2 flex flex-wrap items-end gap-3">
                <SegmentForm key={`${s.name}:${s.cadenceId}`} segment={s} options={cadenceOptions} reply={sent.intent === "update" && sent.segment === s.name ? reply : undefined} busy={busy} />
                <Form method="post">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="segment" value={s.name} />
                  <Button type="submit" variant="secondary" disabled={busy} aria-label={`Delete segment ${s.name}`}>
                    Delete
                  </Button>
                </Form>
              </div>
            ) : null}
          </li>
        ))}
      </ul>

      {canEdit ? (
        <section aria-labelledby="new-segment-heading" className="mt-8 max-w-3xl">
          <h2 id="new-segment-heading" className="text-lg font-semibold">
            New segment
          </h2>
          <div className={`mt-2 ${boxClass}`}>
            <SegmentForm key={`new:${segments.length}`} segment={null} options={cadenceOptions} reply={sent.intent === "create" ? reply : undefined} busy={busy} />
          </div>
        </section>
      ) : (
        <p className="mt-8 text-slate-700">Only an AR admin can create, rename or delete segments.</p>
      )}
    </>
  );
}

function SegmentForm({ segment, options, reply, busy }: { segment: { name: string; cadenceId: string | null } | null; options: Array<{ value: string; label: string }>; reply: Reply | undefined; busy: boolean }) {
  const [form, fields] = useForm<{ name: string; cadenceId: string }>({
    id: segment ? `segment-${segment.name}` : "new-segment",
    lastResult: reply,
    defaultValue: segment ? { name: segment.name, cadenceId: segment.cadenceId ?? "" } : { cadenceId: "" },
  });
  return (
    <Form method="post" className="min-w-0 flex-1 space-y-3" {...getFormProps(form)}>
      <input type="hidden" name="intent" value={segment ? "update" : "create"} />
      {segment ? <input type="hidden" name="segment" value={segment.name} /> : null}
      <FormErrors form={form} />
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <TextField meta={fields.name} label="Name" maxLength={60} autoComplete="off" />
        <SelectField meta={fields.cadenceId} label="Cadence" options={options} />
        <Button type="submit" disabled={busy} aria-label={segment ? `Save segment ${segment.name}` : undefined}>
          {segment ? "Save" : "Create segment"}
        </Button>
      </div>
    </Form>
  );
}
