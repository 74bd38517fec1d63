import { invariantResponse } from "@epic-web/invariant";
import { json, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EMAIL_TEMPLATES, emailPreviewsEnabled, previewFacts, renderPreview } from "~/modules/notifications/email-previews.server";

export const meta: MetaFunction = () => [{ title: "Email previews" }];

export async function loader() {
  invariantResponse(emailPreviewsEnabled(), "Not found", { status: 404 });
  const facts = await previewFacts();
  const emails = Object.keys(EMAIL_TEMPLATES).map((name) => {
    const { description, to, subject, text } = renderPreview(name, facts)!;
    return { name, description, to, subject, text };
  });
  return json({ source: facts.source, accountName: facts.accountName, emails });
}

export default function DevEmails() {
  const { source, accountName, emails } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-3xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Email previews</h1>
      <p className="mt-1 text-slate-700">
        Every email the portal sends, built by its own template{" "}
        {source === "database" ? `with the facts of ${accountName} from the database` : "with sample facts (the database has no payer with open invoices)"}. Nothing is sent.
        Open one to see its HTML part as a mail client shows it.
      </p>
      <ol className="mt-6 space-y-4">
        {emails.map((e) => (
          <li key={e.name} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <h2 className="font-semibold">
              <Link to={`/dev/emails/${e.name}`} reloadDocument className="text-brand-700 underline">
                {e.subject}
              </Link>
            </h2>
            <p className="text-sm text-slate-600">
              {e.description} · <code>{e.name}</code> · to {e.to}
            </p>
            <details className="mt-2">
              <summary className="cursor-pointer text-sm">Plain-text part</summary>
              <pre className="mt-2 font-sans text-sm whitespace-pre-wrap">{e.text}</pre>
            </details>
          </li>
        ))}
      </ol>
    </main>
  );
}
