import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Pagination } from "~/components/pagination";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import { requireStaff } from "~/modules/auth/session.server";
import { describeEventType, webhookEventTypes } from "~/modules/webhooks/event-types";
import { DeleteEndpointForm } from "~/components/webhooks/delete-endpoint-form";
import { deleteEndpoint } from "~/modules/webhooks/delete-endpoint.server";
import { deliveryInFlight } from "~/modules/webhooks/delivery-in-flight.server";
import { getEndpointWithDeliveries } from "~/modules/webhooks/get-endpoint.server";
import { replayDelivery } from "~/modules/webhooks/replay-delivery.server";
import { replaySince } from "~/modules/webhooks/replay-since.server";
import { rotateSecret } from "~/modules/webhooks/rotate-secret.server";
import { sendTestEvent } from "~/modules/webhooks/send-test-event.server";
import { setEndpointEnabled } from "~/modules/webhooks/set-endpoint-enabled.server";
import { updateEndpoint } from "~/modules/webhooks/update-endpoint.server";
import { canManageWebhooks, type FieldErrors, type Forbidden } from "~/modules/webhooks/validation";
import { clientOf } from "~/utils/request.server";
import { readForm } from "~/utils/read-form.server";
import { useRevalidateWhile } from "~/utils/use-revalidate-while";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.endpoint.url ?? "Webhook endpoint"} · Webhooks · AR admin` }];

const notices = {
  updated: "Settings saved.",
  enabled: "Endpoint enabled. Events it missed are being sent.",
  disabled: "Endpoint disabled. Nothing more is sent to it.",
  test: "Test event queued. It appears in the delivery log below, which updates by itself.",
  replayed: "Delivery queued to be sent again.",
  replayed_since: "Deliveries queued to be sent again.",
} as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const search = new URL(request.url).searchParams;
  const page = Number(search.get("page") ?? "1");
  const found = await getEndpointWithDeliveries(params.endpointId ?? "", Number.isFinite(page) ? page : 1);
  if (!found) throw new Response("Not found", { status: 404 });
  const done = search.get("done");
  const count = search.get("count");
  // The delivery just queued (test event, replay): the page looks again until it has an outcome.
  const watched = search.get("delivery");
  return json({
    ...found,
    watching: watched ? await deliveryInFlight(found.endpoint.id, watched) : false,
    // Agents see the endpoint and its log; the forms are an admin's.
    canManage: canManageWebhooks(staff.user),
    eventTypes: webhookEventTypes.map((type) => ({ type, label: describeEventType(type) })),
    notice: done && done in notices ? `${notices[done as keyof typeof notices]}${done === "replayed_since" && count ? ` (${count})` : ""}` : null,
  });
}

type Intent = "update" | "enable" | "disable" | "rotate" | "test" | "replay" | "replay_since" | "delete";
interface ActionData {
  intent: Intent | null;
  error?: string;
  fieldErrors?: FieldErrors & { since?: string };
  values?: { url: string; description: string; eventTypes: string[] };
  secret?: string;
  previousExpiresAt?: string;
}

const intentSchema = z.enum(["update", "enable", "disable", "rotate", "test", "replay", "replay_since", "delete"]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request);
  const endpointId = params.endpointId ?? "";
  const actor = { userId: staff.user.id, role: staff.user.role, ip: clientOf(request, context).ip };
  const form = await readForm(request);
  const field = (name: string) => String(form.get(name) ?? "");
  const intent = intentSchema.safeParse(form.get("intent"));
  const fail = (data: ActionData, status = 400) => json(data, { status });
  if (!intent.success) return fail({ intent: null, error: "Choose what to do with the endpoint." });
  const done = (what: keyof typeof notices, extra = "") => redirect(`/admin/webhooks/${endpointId}?done=${what}${extra}`);
  const notFound = () => {
    throw new Response("Not found", { status: 404 });
  };
  const refused = (result: Forbidden) => {
    throw new Response(result.message, { status: 403 });
  };

  switch (intent.data) {
    case "update": {
      const values = { url: field("url"), description: field("description"), eventTypes: form.getAll("eventTypes").map(String) };
      const result = await updateEndpoint({ staff: actor, endpointId, ...values });
      if (!result.ok) return result.forbidden ? refused(result) : result.notFound ? notFound() : fail({ intent: "update", fieldErrors: result.fieldErrors, values });
      return done("updated");
    }
    case "enable":
    case "disable": {
      const result = await setEndpointEnabled({ staff: actor, endpointId, enabled: intent.data === "enable" });
      if (!result.ok) return result.forbidden ? refused(result) : notFound();
      return done(intent.data === "enable" ? "enabled" : "disabled");
    }
    case "delete": {
      const result = await deleteEndpoint({ staff: actor, endpointId });
      if (!result.ok) return result.forbidden ? refused(result) : notFound();
      return redirect("/admin/webhooks?done=deleted");
    }
    case "rotate": {
      const result = await rotateSecret({ staff: actor, endpointId });
      if (!result.ok) return result.forbidden ? refused(result) : notFound();
      // Shown in this response only.
      return json<ActionData>({ intent: "rotate", secret: result.secret, previousExpiresAt: result.previousExpiresAt.toISOString() }, { headers: { "Cache-Control": "no-store" } });
    }
    case "test": {
      const result = await sendTestEvent({ staff: actor, endpointId });
      if (!result.ok) return result.forbidden ? refused(result) : fail({ intent: "test", error: result.message });
      return done("test", `&delivery=${encodeURIComponent(result.deliveryId)}`);
    }
    case "replay": {
      const result = await replayDelivery({ staff: actor, endpointId, deliveryId: field("deliveryId") });
      if (!result.ok) return result.forbidden ? refused(result) : fail({ intent: "replay", error: result.message });
      return done("replayed", `&delivery=${encodeURIComponent(field("deliveryId"))}`);
    }
    case "replay_since": {
      const raw = field("since").trim();
      const since = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(raw) ? new Date(`${raw}Z`) : null;
      if (!since || Number.isNaN(since.getTime())) return fail({ intent: "replay_since", fieldErrors: { since: "Enter a date and time, in UTC." } });
      const result = await replaySince({ staff: actor, endpointId, since });
      if (!result.ok) return result.forbidden ? refused(result) : fail({ intent: "replay_since", fieldErrors: { since: result.message } });
      return done("replayed_since", `&count=${result.count}${result.truncated ? "+" : ""}`);
    }
  }
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" }) + " UTC" : "—");
const statusLabels: Record<string, string> = { pending: "Pending", succeeded: "Delivered", failed: "Failed", exhausted: "Gave up", skipped: "Skipped" };
const boxClass = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

export default function AdminWebhookEndpoint() {
  const { endpoint, deliveries, page, pages, total, eventTypes, notice, canManage, watching } = useLoaderData<typeof loader>();
  useRevalidateWhile(watching);
  const data = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const editValues = data?.intent === "update" ? data.values : undefined;
  const editErrors = data?.intent === "update" ? data.fieldErrors : undefined;
  const chosen = editValues?.eventTypes ?? endpoint.eventTypes;

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
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {data?.error ? <Alert tone="error">{data.error}</Alert> : null}
        {data?.intent === "rotate" && data.secret ? (
          <Alert tone="success" title="Secret rotated">
            <p>Copy the new signing secret now: it will not be shown again. Deliveries carry signatures with both the new and the previous secret until {when(data.previousExpiresAt ?? null)}.</p>
            <label htmlFor="rotated-secret" className="mt-2 block text-sm font-medium">
              New signing secret
            </label>
            <input id="rotated-secret" readOnly value={data.secret} className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm" />
          </Alert>
        ) : null}
      </div>

      {canManage ? (
        <div className="mt-6 grid gap-6 lg:grid-cols-2">
          <section aria-labelledby="settings-heading" className={boxClass}>
            <h2 id="settings-heading" className="text-lg font-semibold">
              Settings
            </h2>
            <Form method="post" className="mt-3 space-y-4" noValidate>
              <input type="hidden" name="intent" value="update" />
              <Field label="Endpoint URL" name="url" type="url" required defaultValue={editValues?.url ?? endpoint.url} error={editErrors?.url} />
              <Field label="Description (optional)" name="description" defaultValue={editValues?.description ?? endpoint.description ?? ""} error={editErrors?.description} />
              <fieldset aria-describedby={editErrors?.eventTypes ? "eventTypes-error" : "eventTypes-hint"}>
                <legend className="text-sm font-medium text-slate-800">Event types</legend>
                <p id="eventTypes-hint" className="text-sm text-slate-600">
                  Leave all unticked to receive every event.
                </p>
                <div className="mt-2 grid gap-1">
                  {eventTypes.map((t) => (
                    <label key={t.type} className="flex items-center gap-2 text-sm">
                      <input type="checkbox" name="eventTypes" value={t.type} defaultChecked={chosen.includes(t.type)} />
                      <span>
                        <code>{t.type}</code> <span className="text-slate-600">· {t.label}</span>
                      </span>
                    </label>
                  ))}
                </div>
                {editErrors?.eventTypes ? (
                  <p id="eventTypes-error" className="mt-1 text-sm text-red-800">
                    {editErrors.eventTypes}
                  </p>
                ) : null}
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
              <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" noValidate>
                <input type="hidden" name="intent" value="replay_since" />
                <Field
                  label="Since (UTC)"
                  name="since"
                  type="datetime-local"
                  required
                  hint="Every delivery created since then is sent again, delivered ones included."
                  error={data?.intent === "replay_since" ? data.fieldErrors?.since : undefined}
                />
                <Button type="submit" variant="secondary" disabled={busy}>
                  Replay
                </Button>
              </Form>
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
