import { getCollectionProps, getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldErrors, FormErrors, TextField } from "~/components/forms/fields";
import { Pagination } from "~/components/pagination";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { DeleteEndpointForm } from "~/components/webhooks/delete-endpoint-form";
import { requireStaffActor } from "~/modules/auth/session.server";
import { deleteEndpoint } from "~/modules/webhooks/delete-endpoint.server";
import { deliveryInFlight } from "~/modules/webhooks/delivery-in-flight.server";
import { describeEventType, webhookEventTypes } from "~/modules/webhooks/event-types";
import { getEndpointWithDeliveries } from "~/modules/webhooks/get-endpoint.server";
import { replayDelivery } from "~/modules/webhooks/replay-delivery.server";
import { replaySince } from "~/modules/webhooks/replay-since.server";
import { rotateSecret } from "~/modules/webhooks/rotate-secret.server";
import { sendTestEvent } from "~/modules/webhooks/send-test-event.server";
import { setEndpointEnabled } from "~/modules/webhooks/set-endpoint-enabled.server";
import { updateEndpoint } from "~/modules/webhooks/update-endpoint.server";
import { canManageWebhooks, ENDPOINT_NOT_FOUND, endpointPageForm } from "~/modules/webhooks/webhook-forms.server";
import type { z } from "zod";
import type { endpointFields } from "~/modules/webhooks/validation";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem, type Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";
import { useRevalidateWhile } from "~/utils/use-revalidate-while";

type EndpointFormInput = z.input<typeof endpointFields>;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.endpoint.url ?? "Webhook endpoint"} · Webhooks · AR admin` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const search = new URL(request.url).searchParams;
  const page = Number(search.get("page") ?? "1");
  const found = orThrow(await getEndpointWithDeliveries(actor, params.endpointId ?? "", Number.isFinite(page) ? page : 1));
  // The delivery just queued (test event, replay): the page looks again until it has an outcome.
  const watched = search.get("delivery");
  // Also while the log shown says it is pending: the worker may finish it between the two reads,
  // and a page showing it not yet tried that no longer looked would never show the outcome.
  const shownPending = found.deliveries.some((d) => d.id === watched && d.status === "pending" && d.attemptCount === 0);
  return json({
    ...found,
    watching: watched ? shownPending || (await deliveryInFlight(found.endpoint.id, watched)) : false,
    // Agents see the endpoint and its log; the forms are an admin's.
    canManage: canManageWebhooks(actor),
    eventTypes: webhookEventTypes.map((type) => ({ type, label: describeEventType(type) })),
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const endpointId = params.endpointId ?? "";
  const submission = await parseForm(request, endpointPageForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const here = `/admin/webhooks/${endpointId}`;
  // An agent posting by hand, or an endpoint that is gone: the page's 403 or 404, not a form error.
  const settle = <T,>(result: T | Problem): T | Problem => {
    if (isProblem(result) && (result.kind === "forbidden" || (result.kind === "not_found" && result.message === ENDPOINT_NOT_FOUND))) orThrow(result);
    return result;
  };

  switch (form.intent) {
    case "update": {
      const result = settle(await updateEndpoint(actor, { endpointId, url: form.url, description: form.description ?? undefined, eventTypes: form.eventTypes }));
      return isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(here, "Settings saved.");
    }
    case "enable":
    case "disable": {
      const result = settle(await setEndpointEnabled(actor, { endpointId, enabled: form.intent === "enable" }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      return redirectWithToast(here, result.enabled ? "Endpoint enabled. Events it missed are being sent." : "Endpoint disabled. Nothing more is sent to it.");
    }
    case "delete": {
      const result = settle(await deleteEndpoint(actor, { endpointId }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      return redirectWithToast("/admin/webhooks", "Endpoint deleted. Nothing more is sent to it; its delivery log is kept for audit.");
    }
    case "rotate": {
      const result = settle(await rotateSecret(actor, { endpointId }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      // Shown in this response only: not a toast, which would keep it in a cookie.
      return json({ rotated: { secret: result.secret, previousExpiresAt: result.previousExpiresAt.toISOString() } }, { headers: { "Cache-Control": "no-store" } });
    }
    case "test": {
      const result = settle(await sendTestEvent(actor, { endpointId }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      return redirectWithToast(`${here}?delivery=${encodeURIComponent(result.deliveryId)}`, "Test event queued. It appears in the delivery log below, which updates by itself.");
    }
    case "replay": {
      const result = settle(await replayDelivery(actor, { endpointId, deliveryId: form.deliveryId }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      return redirectWithToast(`${here}?delivery=${encodeURIComponent(result.deliveryId)}`, "Delivery queued to be sent again.");
    }
    case "replay_since": {
      const result = settle(await replaySince(actor, { endpointId, since: form.since }));
      if (isProblem(result)) return replyWithProblem(submission, result);
      return redirectWithToast(here, `Deliveries queued to be sent again. (${result.count}${result.truncated ? "+" : ""})`);
    }
  }
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" }) + " UTC" : "—");
const statusLabels: Record<string, string> = { pending: "Pending", succeeded: "Delivered", failed: "Failed", exhausted: "Gave up", skipped: "Skipped" };
const boxClass = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

export default function AdminWebhookEndpoint() {
  const { endpoint, deliveries, page, pages, total, eventTypes, canManage, watching } = useLoaderData<typeof loader>();
  // A test event is usually delivered within seconds: look at least every 5 s while it is pending.
  useRevalidateWhile(watching, { maxDelayMs: 5_000 });
  const data = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const rotated = data && "rotated" in data ? data.rotated : null;
  const reply = data && !("rotated" in data) ? data : undefined;
  const intentOf = (r: typeof reply) => (r?.initialValue as { intent?: string } | undefined)?.intent;
  const [settings, settingsFields] = useForm<EndpointFormInput>({
    id: "endpoint-settings",
    lastResult: intentOf(reply) === "update" ? reply : undefined,
    defaultValue: { url: endpoint.url, description: endpoint.description ?? "", eventTypes: endpoint.eventTypes },
  });
  const [since, sinceFields] = useForm<{ since: string }>({ id: "replay-since", lastResult: intentOf(reply) === "replay_since" ? reply : undefined });
  // The buttons' forms (test, enable, rotate, delete, replay one) have no fields: their Problem is shown above.
  const [actions] = useForm({ id: "endpoint-actions", lastResult: intentOf(reply) !== "update" && intentOf(reply) !== "replay_since" ? reply : undefined });

  return (
    <>
      <p className="mb-4">
        <Link to="/admin/webhooks" className="text-sm text-brand-700 underline">
          ← Webhooks
        </Link>
      </p>
      <h1 className="text-2xl font-semibold break-all">{endpoint.url}</h1>
      <p className="mt-1 text-slate-700">
        {endpoint.enabled ? "Enabled" : "Disabled"}
        {endpoint.disabledReason ? ` — ${endpoint.disabledReason}` : ""} · {endpoint.eventTypes.length === 0 ? "All events" : endpoint.eventTypes.join(", ")}
      </p>

      <div className="mt-4 space-y-3">
        <FormErrors form={actions} />
        {rotated ? (
          <Alert tone="success" title="Secret rotated">
            <p>Copy the new signing secret now: it will not be shown again. Deliveries carry signatures with both the new and the previous secret until {when(rotated.previousExpiresAt)}.</p>
            <label htmlFor="rotated-secret" className="mt-2 block text-sm font-medium">
              New signing secret
            </label>
            <input id="rotated-secret" readOnly value={rotated.secret} className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm" />
          </Alert>
        ) : null}
      </div>

      {canManage ? (
        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <section aria-labelledby="settings-heading" className={boxClass}>
            <h2 id="settings-heading" className="text-lg font-semibold">
              Settings
            </h2>
            <Form method="post" className="mt-3 space-y-4" {...getFormProps(settings)}>
              <input type="hidden" name="intent" value="update" />
              <FormErrors form={settings} />
              <TextField meta={settingsFields.url} label="Endpoint URL" type="url" required />
              <TextField meta={settingsFields.description} label="Description (optional)" />
              <fieldset aria-describedby={settingsFields.eventTypes.errors?.length ? settingsFields.eventTypes.errorId : "eventTypes-hint"}>
                <legend className="text-sm font-medium text-slate-800">Event types</legend>
                <p id="eventTypes-hint" className="text-sm text-slate-600">
                  Leave all unticked to receive every event.
                </p>
                <div className="mt-2 grid gap-1">
                  {getCollectionProps(settingsFields.eventTypes, { type: "checkbox", options: eventTypes.map((t) => t.type) }).map(({ key, ...props }) => (
                    <label key={key} className="flex items-center gap-2 text-sm">
                      <input {...props} />
                      <span>
                        <code>{props.value}</code> <span className="text-slate-600">· {eventTypes.find((t) => t.type === props.value)?.label}</span>
                      </span>
                    </label>
                  ))}
                </div>
                <FieldErrors meta={settingsFields.eventTypes} />
              </fieldset>
              <Button type="submit" disabled={busy}>
                Save settings
              </Button>
            </Form>
          </section>

          <div className="space-y-6">
            <section aria-labelledby="actions-heading" className={boxClass}>
              <h2 id="actions-heading" className="text-lg font-semibold">
                Actions
              </h2>
              <div className="mt-3 flex flex-wrap gap-3">
                <Form method="post">
                  <input type="hidden" name="intent" value="test" />
                  <Button type="submit" variant="secondary" disabled={busy}>
                    Send test event
                  </Button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value={endpoint.enabled ? "disable" : "enable"} />
                  <Button type="submit" variant="secondary" disabled={busy}>
                    {endpoint.enabled ? "Disable endpoint" : "Enable endpoint"}
                  </Button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="rotate" />
                  <Button type="submit" variant="secondary" disabled={busy}>
                    Rotate secret
                  </Button>
                </Form>
                <DeleteEndpointForm busy={busy} />
              </div>
              {endpoint.previousSecretExpiresAt && new Date(endpoint.previousSecretExpiresAt) > new Date() ? (
                <p className="mt-2 text-sm text-slate-700">The previous secret also signs until {when(endpoint.previousSecretExpiresAt)}.</p>
              ) : null}
            </section>

            <section aria-labelledby="replay-heading" className={boxClass}>
              <h2 id="replay-heading" className="text-lg font-semibold">
                Replay everything since
              </h2>
              <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" {...getFormProps(since)}>
                <input type="hidden" name="intent" value="replay_since" />
                <TextField
                  meta={sinceFields.since}
                  label="Since (UTC)"
                  type="datetime-local"
                  required
                  hint="Every delivery created since then is sent again, delivered ones included."
                />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Replay
                </Button>
              </Form>
              <FormErrors form={since} />
            </section>
          </div>
        </div>
      ) : (
        <p className="mt-4 text-slate-700">Only an AR admin can change this endpoint, send test events or replay deliveries.</p>
      )}

      <section aria-labelledby="log-heading" className="mt-8">
        <h2 id="log-heading" className="text-lg font-semibold">
          Delivery log
        </h2>
        <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Event</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Attempts</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Last code</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Latency</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Last error</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Next attempt</th>
                {canManage ? (
                  <th scope="col" className="px-3 py-2 text-left font-semibold">
                    <span className="sr-only">Replay</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.map((d) => {
                const last = d.attempts.at(-1);
                return (
                  <tr key={d.id}>
                    <td className="px-3 py-2">
                      <code>{d.eventType}</code>
                      <p className="font-mono text-xs text-slate-600">{d.eventId}</p>
                      <p className="text-xs text-slate-600">{when(d.createdAt)}</p>
                    </td>
                    <td className="px-3 py-2">{statusLabels[d.status] ?? d.status}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{d.attempts.length}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{d.lastStatusCode ?? "—"}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{last ? `${last.latencyMs} ms` : "—"}</td>
                    <td className="px-3 py-2">{d.lastError ?? "—"}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{d.status === "pending" ? when(d.nextAttemptAt) : "—"}</td>
                    {canManage ? (
                      <td className="px-3 py-2">
                        <Form method="post">
                          <input type="hidden" name="intent" value="replay" />
                          <input type="hidden" name="deliveryId" value={d.id} />
                          <Button type="submit" variant="link" disabled={busy || !endpoint.enabled} aria-label={`Replay ${d.eventType} ${d.eventId}`}>
                            Replay
                          </Button>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {deliveries.length === 0 ? <p className="p-6">No deliveries yet. New events are sent within a minute.</p> : null}
        </div>
        <Pagination page={page} pageCount={pages} total={total} noun="deliveries" />
      </section>
    </>
  );
}
