import { getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { stepsSummary } from "~/components/collections/cadence-format";
import { CollectionsNav } from "~/components/collections/collections-nav";
import { FormErrors, SelectField, TextField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import { requireStaffActor } from "~/modules/auth/session.server";
import { newCadenceForm } from "~/modules/collections/cadence-forms.server";
import { listCadences } from "~/modules/collections/list-cadences.server";
import { canConfigureCollections } from "~/modules/collections/permissions";
import { saveCadence } from "~/modules/collections/save-cadence.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Cadences · Collections · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const cadences = orThrow(await listCadences(actor));
  return json({ cadences, canEdit: canConfigureCollections(actor) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const submission = await parseForm(request, newCadenceForm);
  if (submission.status !== "success") return invalidReply(submission);
  const { name, description, copyFrom } = submission.value;
  const result = await saveCadence(actor, { name, description, copyFrom });
  // An agent posting by hand: the page's 403, not a form error.
  if (isProblem(result) && result.kind === "forbidden") orThrow(result);
  if (isProblem(result)) return replyWithProblem(submission, result);
  return redirectWithToast(`/admin/collections/cadences/${result.cadenceId}`, `Cadence ${name} created.`);
}

export default function AdminCadences() {
  const { cadences, canEdit } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm<{ name: string; description: string; copyFrom: string }>({ id: "new-cadence", lastResult });
  return (
    <>
      <CollectionsNav />
      <h1 className="text-2xl font-semibold">Cadences</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        A cadence is the list of reminders an account gets, each so many days before or after an invoice's due date. An account follows its own cadence, else its segment's, else the default one.
      </p>

      <div className="relative mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200" tabIndex={0} role="region" aria-label="Cadences (scrolls sideways)">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Name</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Steps (days from due)</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Accounts directly</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Accounts via segments</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {cadences.map((c) => (
              <tr key={c.id} data-testid="cadence-row">
                <td className="px-3 py-2">
                  <Link to={c.id} className="font-medium text-brand-700 underline">
                    {c.name}
                  </Link>
                  {c.isDefault ? <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">Default</span> : null}
                  {c.description ? <p className="text-slate-600">{c.description}</p> : null}
                </td>
                <td className="px-3 py-2 whitespace-nowrap tabular-nums">{stepsSummary(c.steps)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{c.usage.direct}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {c.usage.viaSegments}
                  {c.usage.segments.length > 0 ? <span className="block text-xs text-slate-600">{c.usage.segments.join(", ")}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {cadences.length === 0 ? <p className="p-6 text-slate-700">No cadences yet.</p> : null}
      </div>

      {canEdit ? (
        <section aria-labelledby="new-cadence-heading" className="mt-8 max-w-xl">
          <h2 id="new-cadence-heading" className="text-lg font-semibold">
            New cadence
          </h2>
          <Form method="post" className="mt-2 space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="create" />
            <FormErrors form={form} />
            <TextField meta={fields.name} label="Name" maxLength={100} autoComplete="off" />
            <TextField meta={fields.description} label="Description (optional)" hint="Who it is for, e.g. good payers, risky accounts." maxLength={500} autoComplete="off" />
            <SelectField meta={fields.copyFrom} label="Start with the steps of" options={[{ value: "", label: "No steps (add them next)" }, ...cadences.map((c) => ({ value: c.id, label: c.name }))]} />
            <Button type="submit" disabled={busy}>
              Create cadence
            </Button>
          </Form>
        </section>
      ) : (
        <p className="mt-8 text-slate-700">Only an AR admin can create or change cadences.</p>
      )}
    </>
  );
}
