import { getCollectionProps, getFormProps, useForm } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { z } from "zod";
import { FieldErrors, FormErrors, TextField } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import type { apiKeyFields } from "~/modules/api/api-key-forms";
import { apiKeyPageForm } from "~/modules/api/api-key-forms.server";
import { createApiKey } from "~/modules/api/create-api-key.server";
import { listApiKeys } from "~/modules/api/list-api-keys.server";
import { canManageApiKeys } from "~/modules/api/permissions.server";
import { revokeApiKey } from "~/modules/api/revoke-api-key.server";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "~/modules/api/scopes";
import { requireStaffActor } from "~/modules/auth/session.server";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { isProblem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

interface CreatedKey {
  name: string;
  key: string;
  prefix: string;
}

export const meta: MetaFunction = () => [{ title: "API keys · AR admin" }];

const noStore = { "Cache-Control": "private, no-store" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const keys = orThrow(await listApiKeys(actor));
  return json({ keys, canManage: canManageApiKeys(actor) }, { headers: noStore });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const submission = await parseForm(request, apiKeyPageForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  if (form.intent === "revoke") {
    const revoked = await revokeApiKey(actor, { keyId: form.keyId });
    if (!isProblem(revoked)) return redirectWithToast("/admin/api-keys", "The key is revoked. Requests with it are refused from now on.");
    // An agent posting by hand: refused as the page would be (403), not shown as a form error.
    if (revoked.kind === "forbidden") orThrow(revoked);
    return replyWithProblem(submission, revoked);
  }
  const result = await createApiKey(actor, form);
  if (isProblem(result) && result.kind === "forbidden") orThrow(result);
  if (isProblem(result)) return replyWithProblem(submission, result);
  // The key is in this one response and nowhere else: it cannot be shown again.
  return json({ created: { name: result.name, key: result.key, prefix: result.prefix } satisfies CreatedKey }, { headers: noStore });
}

const dateTime = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");

export default function ApiKeys() {
  const { keys, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const created = actionData && "created" in actionData ? (actionData.created as CreatedKey) : null;
  const reply = actionData && !("created" in actionData) ? actionData : undefined;
  const intent = (reply?.initialValue as { intent?: string } | undefined)?.intent;
  // A new form after each key created: the fields start empty again.
  const [form, fields] = useForm<z.input<typeof apiKeyFields>>({ id: created ? `create-key-${created.prefix}` : "create-key", lastResult: intent === "create" ? reply : undefined });
  const [revokeForm] = useForm({ id: "revoke-key", lastResult: intent !== "create" ? reply : undefined });
  return (
    <>
      <h1 className="text-2xl font-semibold">API keys</h1>
      <p className="mt-1 text-sm text-slate-700">
        Keys let back-office systems call the portal API (<a href="/api/v1/openapi.json" className="text-brand-700 underline">OpenAPI description</a>). Only a hash of each key is stored.
      </p>

      {created ? (
        <div className="mt-4">
          <Alert tone="success" title={`API key “${created.name}” created`}>
            <p>Copy it now; it will not be shown again.</p>
            <label htmlFor="new-key" className="mt-2 block text-sm font-medium">
              New API key
            </label>
            <input id="new-key" readOnly value={created.key} className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm" onFocus={(e) => e.currentTarget.select()} />
          </Alert>
        </div>
      ) : null}
      <div className="mt-4 empty:hidden">
        <FormErrors form={revokeForm} />
      </div>

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
          <Form method="post" className="mt-2 space-y-4" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="create" />
            <FormErrors form={form} />
            <TextField meta={fields.name} label="Name" maxLength={100} />
            <fieldset className="min-w-0" aria-describedby={fields.scopes.errors?.length ? fields.scopes.errorId : undefined}>
              <legend className="text-sm font-medium">Scopes</legend>
              {getCollectionProps(fields.scopes, { type: "checkbox", options: [...API_SCOPES] }).map(({ key, ...props }) => (
                <div key={key} className="mt-2 flex items-start gap-2">
                  <input {...props} className="mt-1 h-4 w-4" />
                  <label htmlFor={props.id} className="text-sm">
                    <span className="font-mono break-all">{props.value}</span> <span className="text-slate-700">— {API_SCOPE_DESCRIPTIONS[props.value as (typeof API_SCOPES)[number]]}</span>
                  </label>
                </div>
              ))}
              <FieldErrors meta={fields.scopes} />
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
