import { json, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { devMailboxEnabled, listDevEmails } from "~/modules/notifications/dev-mailbox.server";

export const meta: MetaFunction = () => [{ title: "Development mailbox" }];

export async function loader() {
  if (!devMailboxEnabled()) throw new Response("Not found", { status: 404 });
  const messages = await listDevEmails();
  return json({ messages: messages.map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, sentAt: m.createdAt })) });
}

/** Turns the URLs of a plain-text body into links, keeping everything else as text. */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g);
  return (
    <>
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part} className="break-all text-brand-700 underline">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export default function DevMailbox() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-3xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Development mailbox</h1>
      <p className="mt-1 text-slate-700">Every email the portal sends while SMTP_URL is not set lands here, newest first. Reload to see new mail.</p>
      {messages.length === 0 ? <p className="mt-6">No mail yet.</p> : null}
      <ol className="mt-6 space-y-4">
        {messages.map((m) => (
          <li key={m.id} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <h2 className="font-semibold">{m.subject}</h2>
            <p className="text-sm text-slate-600">
              To {m.to} · {new Date(m.sentAt).toLocaleString("en-US", { timeZone: "UTC" })} UTC
            </p>
            <pre className="mt-3 font-sans text-sm whitespace-pre-wrap">
              <Linkified text={m.text} />
            </pre>
          </li>
        ))}
      </ol>
    </main>
  );
}
