import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { createApiKey } from "~/modules/api/create-api-key.server";
import { listApiKeys } from "~/modules/api/list-api-keys.server";
import { canManageApiKeys } from "~/modules/api/permissions.server";
import { revokeApiKey } from "~/modules/api/revoke-api-key.server";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "~/modules/api/scopes";
import { requireStaff } from "~/modules/auth/session.server";
import { clientOf } from "~/utils/request.server";
import { readForm } from "~/utils/read-form.server";

export const meta: MetaFunction = () => [{ title: "API keys · AR admin" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const keys = await listApiKeys();
  return json({ keys, canManage: canManageApiKeys(staff.user) }, { headers: { "Cache-Control": "private, no-store" } });
}

interface ActionData {
  intent: "create" | "revoke" | null;
  created?: { name: string; key: string; prefix: string };
  fieldErrors?: { name?: string; scopes?: string };
  values?: { name: string; scopes: string[] };
  error?: string;
  revoked?: boolean;
}

const noStore = { "Cache-Control": "private, no-store" };

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request);
  const actor = { userId: staff.user.id, ip: clientOf(request, context).ip };
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "create") {
    const name = String(form.get("name") ?? "");
    const scopes = form.getAll("scopes").filter((s): s is string => typeof s === "string");
    const result = await createApiKey({ staff: actor, name, scopes });
    if (!result.ok && result.forbidden) throw new Response(result.message, { status: 403 });
    if (!result.ok) return json<ActionData>({ intent: "create", fieldErrors: result.fieldErrors, values: { name, scopes } }, { status: 400, headers: noStore });
    // The key is in this one response and nowhere else: it cannot be shown again.
    return json<ActionData>({ intent: "create", created: { name: result.name, key: result.key, prefix: result.prefix } }, { headers: noStore });
  }
  if (intent === "revoke") {
    const result = await revokeApiKey({ staff: actor, keyId: String(form.get("keyId") ?? "") });
    if (result.forbidden) throw new Response(result.message, { status: 403 });
    if (!result.ok) return json<ActionData>({ intent: "revoke", error: result.message }, { status: 400, headers: noStore });
    return json<ActionData>({ intent: "revoke", revoked: true }, { headers: noStore });
  }
  return json<ActionData>({ intent: null, error: "Choose what to do." }, { status: 400, headers: noStore });
}

const dateTime = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");

export default function ApiKeys() {
  const { keys, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const fieldErrors = actionData?.fieldErrors;
  return (
    <>
      <h1 className="text-2xl font-semibold">API keys</h1>
      <p className="mt-1 text-sm text-slate-700">
        Keys let back-office systems call the portal API (<a href="/api/v1/openapi.json" className="text-brand-700 underline">OpenAPI description</a>). Only a hash of each key is stored.
      </p>

      {actionData?.created ? (
        <div className="mt-4">
          <Alert tone="success" title={`API key “${actionData.created.name}” created`}>
            <p>Copy it now; it will not be shown again.</p>
            <label htmlFor="new-key" className="mt-2 block text-sm font-medium">
              New API key
            </label>
            <input id="new-key" readOnly value={actionData.created.key} className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm" onFocus={(e) => e.currentTarget.select()} />
          </Alert>
        </div>
      ) : null}
      {actionData?.error ? (
        <div className="mt-4">
          <Alert tone="error">{actionData.error}</Alert>
        </div>
      ) : null}
      {actionData?.revoked ? (
        <div className="mt-4">
          <Alert tone="success">The key is revoked. Requests with it are refused from now on.</Alert>
        </div>
      ) : null}

      <section aria-labelledby="keys-heading" className="mt-6">
        <h2 id="keys-heading" className="text-lg font-semibold">
          Keys
        </h2>
        <div className="relative mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200" tabIndex={0} role="region" aria-label="API keys (scrolls sideways)">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Name</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Prefix</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Scopes</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Created</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Last used</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Status</th>
                <th scope="col" className="px-3 py-2 text-left font-semibold"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.map((k) => (
                <tr key={k.id}>
                  <td className="px-3 py-2 font-medium">{k.name}</td>
                  <td className="px-3 py-2 font-mono">{k.prefix}…</td>
                  <td className="px-3 py-2">{k.scopes.join(", ")}</td>
                  <td className="px-3 py-2 tabular-nums">{dateTime(k.createdAt)}</td>
                  <td className="px-3 py-2 tabular-nums">{dateTime(k.lastUsedAt)}</td>
                  <td className="px-3 py-2">{k.revokedAt ? `Revoked ${dateTime(k.revokedAt)}` : "Active"}</td>
                  <td className="px-3 py-2">
                    {k.revokedAt || !canManage ? null : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="keyId" value={k.id} />
                        <Button type="submit" variant="secondary" disabled={busy} aria-label={`Revoke ${k.name}`}>
                          Revoke
                        </Button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {keys.length === 0 ? <p className="p-6 text-slate-700">No API keys yet.</p> : null}
        </div>
      </section>

      {canManage ? (
        <section aria-labelledby="create-heading" className="mt-8 max-w-xl">
          <h2 id="create-heading" className="text-lg font-semibold">
            Create a key
          </h2>
          <Form method="post" className="mt-2 space-y-4" key={actionData?.created?.key ?? "form"}>
            <input type="hidden" name="intent" value="create" />
            <div>
              <label htmlFor="name" className="block text-sm font-medium">
                Name
              </label>
              <input
                id="name"
                name="name"
                type="text"
                maxLength={100}
                defaultValue={actionData?.values?.name ?? ""}
                aria-invalid={fieldErrors?.name ? true : undefined}
                aria-describedby={fieldErrors?.name ? "name-error" : undefined}
                className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2"
              />
              {fieldErrors?.name ? (
                <p id="name-error" className="mt-1 text-sm text-red-800">
                  {fieldErrors.name}
                </p>
              ) : null}
            </div>
            <fieldset className="min-w-0" aria-describedby={fieldErrors?.scopes ? "scopes-error" : undefined}>
              <legend className="text-sm font-medium">Scopes</legend>
              {API_SCOPES.map((scope) => (
                <div key={scope} className="mt-2 flex items-start gap-2">
                  <input id={`scope-${scope}`} name="scopes" type="checkbox" value={scope} defaultChecked={actionData?.values?.scopes.includes(scope) ?? false} className="mt-1 h-4 w-4" />
                  <label htmlFor={`scope-${scope}`} className="text-sm">
                    <span className="font-mono break-all">{scope}</span> <span className="text-slate-700">— {API_SCOPE_DESCRIPTIONS[scope]}</span>
                  </label>
                </div>
              ))}
              {fieldErrors?.scopes ? (
                <p id="scopes-error" className="mt-1 text-sm text-red-800">
                  {fieldErrors.scopes}
                </p>
              ) : null}
            </fieldset>
            <Button type="submit" disabled={busy}>
              Create API key
            </Button>
          </Form>
        </section>
      ) : (
        <p className="mt-8 text-slate-700">Only an AR admin can create or revoke API keys.</p>
      )}
    </>
  );
}
