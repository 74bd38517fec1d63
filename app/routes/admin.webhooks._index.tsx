import { getCollectionProps, getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldErrors, FormErrors, TextField } from "~/components/forms/fields";
import { LocalTime } from "~/components/local-time";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { requireStaffActor } from "~/modules/auth/session.server";
import { createEndpoint } from "~/modules/webhooks/create-endpoint.server";
import { describeEventType, webhookEventTypes } from "~/modules/webhooks/event-types";
import { listEndpoints } from "~/modules/webhooks/list-endpoints.server";
import { addEndpointForm, canManageWebhooks } from "~/modules/webhooks/webhook-forms.server";
import type { z } from "zod";
import type { endpointFields } from "~/modules/webhooks/validation";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Webhooks · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  return json({ endpoints: orThrow(await listEndpoints(actor)), canManage: canManageWebhooks(actor), eventTypes: webhookEventTypes.map((type) => ({ type, label: describeEventType(type) })) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const submission = await parseForm(request, addEndpointForm);
  if (submission.status !== "success") return invalidReply(submission);
  const created = await createEndpoint(actor, { url: submission.value.url, description: submission.value.description ?? undefined, eventTypes: submission.value.eventTypes });
  // An agent posting the form by hand: refused as a page would be (403), not shown as a form error.
  if (isProblem(created) && created.kind === "forbidden") orThrow(created);
  if (isProblem(created)) return replyWithProblem(submission, created);
  // The secret travels in this one response only: it is never readable again.
  return json({ created }, { headers: { "Cache-Control": "no-store" } });
}

export default function AdminWebhooks() {
  const { endpoints, eventTypes, canManage } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const created = data && "created" in data ? data.created : null;
  const [form, fields] = useForm<z.input<typeof endpointFields>>({ id: created ? `add-endpoint-${created.endpointId}` : "add-endpoint", lastResult: data && !("created" in data) ? data : undefined });

  return (
    <>
      <h1 className="text-2xl font-semibold">Webhooks</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        The portal sends its events to these back-office endpoints as signed webhooks (Standard Webhooks). Failed deliveries are retried for about 3 days.
      </p>
      {created ? (
        <div className="mt-4">
          <Alert tone="success" title="Endpoint added">
            <p>
              Signing secret for {created.url}. Copy it now: it will not be shown again.
            </p>
            <p className="mt-2">
              <label htmlFor="new-secret" className="block text-sm font-medium">
                Signing secret
              </label>
              <input id="new-secret" readOnly value={created.secret} className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm" />
            </p>
            <p className="mt-2">
              <Link to={`/admin/webhooks/${created.endpointId}`} className="text-brand-700 underline">
                Open the endpoint
              </Link>
            </p>
          </Alert>
        </div>
      ) : null}

      <section aria-labelledby="endpoints-heading" className="mt-6">
        <h2 id="endpoints-heading" className="text-lg font-semibold">
          Endpoints
        </h2>
        <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">URL</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Events</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Pending</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Failed</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-semibold md:table-cell">Added</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {endpoints.map((e) => (
                <tr key={e.id}>
                  <td className="px-3 py-2">
                    <Link to={`/admin/webhooks/${e.id}`} className="break-all text-brand-700 underline">
                      {e.url}
                    </Link>
                    {e.description ? <p className="text-slate-600">{e.description}</p> : null}
                  </td>
                  <td className="px-3 py-2">{e.eventTypes.length === 0 ? "All events" : e.eventTypes.join(", ")}</td>
                  <td className="px-3 py-2">{e.enabled ? "Enabled" : `Disabled${e.disabledReason ? `: ${e.disabledReason}` : ""}`}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{e.pending}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{e.failing}</td>
                  <td className="hidden px-3 py-2 whitespace-nowrap md:table-cell"><LocalTime iso={e.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          {endpoints.length === 0 ? <p className="p-6">No endpoints yet.</p> : null}
        </div>
      </section>

      {canManage ? (
        <section aria-labelledby="add-heading" className="mt-8 max-w-3xl rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="add-heading" className="text-lg font-semibold">
            Add an endpoint
          </h2>
          <Form method="post" className="mt-3 space-y-4" {...getFormProps(form)}>
            <FormErrors form={form} />
            <TextField meta={fields.url} label="Endpoint URL" type="url" required autoComplete="off" placeholder="https://backoffice.example/webhooks" />
            <TextField meta={fields.description} label="Description (optional)" />
            <fieldset aria-describedby={fields.eventTypes.errors?.length ? fields.eventTypes.errorId : "eventTypes-hint"}>
              <legend className="text-sm font-medium text-slate-800">Event types</legend>
              <p id="eventTypes-hint" className="text-sm text-slate-600">
                Leave all unticked to receive every event.
              </p>
              <div className="mt-2 grid gap-1 sm:grid-cols-2">
                {getCollectionProps(fields.eventTypes, { type: "checkbox", options: eventTypes.map((t) => t.type) }).map(({ key, ...props }) => (
                  <label key={key} className="flex items-center gap-2 text-sm">
                    <input {...props} />
                    <span>
                      <code>{props.value}</code> <span className="text-slate-600">· {eventTypes.find((t) => t.type === props.value)?.label}</span>
                    </span>
                  </label>
                ))}
              </div>
              <FieldErrors meta={fields.eventTypes} />
            </fieldset>
            <Button type="submit" disabled={busy}>
              Add endpoint
            </Button>
          </Form>
        </section>
      ) : (
        <p className="mt-8 text-slate-700">Only an AR admin can add or change endpoints.</p>
      )}
    </>
  );
}
