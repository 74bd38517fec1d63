import { Form, Link } from "@remix-run/react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import type { ReminderPreview } from "~/modules/collections/preview-reminder.server";
import { stepLabel } from "~/modules/collections/steps";
import { channelLabels } from "./cadence-format";

const inputClass = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base";

/**
 * A step's email as a real account would get it today: find the account (by name or number),
 * choose the step, read the email. A GET form: the preview is a link that can be shared.
 */
export function CadencePreview({
  steps,
  search,
  preview,
  error,
}: {
  steps: Array<{ id: string; offsetDays: number; channel: string }>;
  search: { q: string; found: Array<{ id: string; name: string; number: string }>; stepId: string | null };
  preview: ReminderPreview | null;
  error: string | null;
}) {
  if (steps.length === 0) return null;
  return (
    <section id="preview" aria-labelledby="preview-heading" className="mt-8">
      <h2 id="preview-heading" className="text-lg font-semibold">
        Preview with a real account
      </h2>
      <p className="mt-1 max-w-3xl text-sm text-slate-700">Shows a step&apos;s message as an account would get it today: its open invoices, what is due on each, the placeholders filled. Nothing is sent.</p>
      <Form method="get" className="mt-2 flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" preventScrollReset>
        <div className="min-w-0 flex-1 basis-60">
          <label htmlFor="preview-q" className="block text-sm font-medium text-slate-800">
            Find an account (name or number)
          </label>
          <input id="preview-q" name="q" type="search" defaultValue={search.q} maxLength={100} className={inputClass} autoComplete="off" />
        </div>
        <div className="basis-48">
          <label htmlFor="preview-step" className="block text-sm font-medium text-slate-800">
            Step
          </label>
          <select id="preview-step" name="step" defaultValue={search.stepId ?? undefined} className={inputClass}>
            {steps.map((s) => (
              <option key={s.id} value={s.id}>
                Day {stepLabel(s.offsetDays)} · {channelLabels[s.channel]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Find
        </Button>
      </Form>
      {search.q ? (
        search.found.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">No account matches “{search.q}”.</p>
        ) : (
          <ul className="mt-2 flex flex-wrap gap-2" aria-label="Accounts found">
            {search.found.map((a) => (
              <li key={a.id}>
                <Link
                  to={`?${new URLSearchParams({ q: search.q, step: search.stepId ?? "", account: a.id }).toString()}#preview`}
                  preventScrollReset
                  className="inline-flex min-h-10 items-center rounded-md px-3 text-sm text-brand-700 underline ring-1 ring-slate-300 hover:bg-slate-100"
                >
                  Preview for {a.name} ({a.number})
                </Link>
              </li>
            ))}
          </ul>
        )
      ) : null}
      {error ? (
        <div className="mt-3">
          <Alert tone="error">{error}</Alert>
        </div>
      ) : null}
      {preview ? <PreviewEmail preview={preview} /> : null}
    </section>
  );
}

/** One rendered reminder: recipients, subject and the text part, exactly as the account would read them. */
export function PreviewEmail({ preview, title }: { preview: ReminderPreview; title?: string }) {
  return (
    <article aria-label={`${title ? `${title}: e` : "E"}mail preview for ${preview.account.name}`} data-testid="reminder-preview" className="mt-4 rounded-lg bg-white ring-1 ring-slate-300">
      <header className="space-y-1 border-b border-slate-200 p-4 text-sm break-words">
        {title ? <p className="font-semibold">{title}</p> : null}
        <p>
          <span className="font-medium">Account:</span> {preview.account.name} ({preview.account.number}) · day {stepLabel(preview.step.offsetDays)} · {channelLabels[preview.step.channel]}
          {preview.step.channel === "call" ? " (a call step makes a task; its text is shown as an email would read)" : ""}
        </p>
        <p>
          <span className="font-medium">To:</span> {preview.to}
        </p>
        {preview.cc ? (
          <p>
            <span className="font-medium">Cc:</span> {preview.cc}
          </p>
        ) : null}
        <p>
          <span className="font-medium">Subject:</span> <span data-testid="preview-subject">{preview.subject}</span>
        </p>
      </header>
      {preview.invoiceCount === 0 ? <p className="px-4 pt-4 text-sm text-slate-700">This account has nothing to chase today: no open invoice with an amount due.</p> : null}
      <p className="p-4 font-mono text-sm whitespace-pre-wrap break-words" data-testid="preview-body">
        {preview.text}
      </p>
    </article>
  );
}
