import { invariantResponse } from "@epic-web/invariant";
import { json, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { devReceiverEnabled, listDevWebhooks, recordDevWebhook } from "~/modules/webhooks/dev-receiver.server";

export const meta: MetaFunction = () => [{ title: "Development webhook receiver" }];

export async function loader() {
  invariantResponse(devReceiverEnabled(), "Not found", { status: 404 });
  return json({ received: listDevWebhooks() });
}

// Deliveries land here when an endpoint points at APP_URL/dev/webhook-receiver (development only).
export async function action({ request }: ActionFunctionArgs) {
  invariantResponse(devReceiverEnabled(), "Not found", { status: 404 });
  recordDevWebhook(request.headers, await request.text());
  return new Response("ok", { status: 200 });
}

export default function DevWebhookReceiver() {
  const { received } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Development webhook receiver</h1>
      <p className="mt-1 text-slate-700">
        In /admin/webhooks, add an endpoint with the URL of this page; every delivery to it shows here, newest first (kept in memory, last 100). Reload to see new ones.
      </p>
      {received.length === 0 ? <p className="mt-6">Nothing received yet.</p> : null}
      <ol className="mt-6 space-y-4">
        {received.map((w, i) => (
          <li key={`${w.id}-${i}`} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <p className="text-sm text-slate-700">
              {w.receivedAt} · webhook-id <span className="font-mono">{w.id}</span>
            </p>
            <p className="mt-1 text-xs break-all text-slate-600">webhook-signature: {w.signature}</p>
            <pre className="mt-2 overflow-x-auto text-xs">{w.body}</pre>
          </li>
        ))}
      </ol>
    </main>
  );
}
