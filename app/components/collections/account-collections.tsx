import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import { taskOutcomes } from "#db/schema/collection-values";
import { FieldErrors, FormErrors, SelectField, TextAreaField, TextField } from "~/components/forms/fields";
import { LocalTime } from "~/components/local-time";
import { Button } from "~/components/ui/button";
import type { AccountCollectionsIntent } from "~/modules/collections/collections-forms";
import { taskKindLabels, taskOutcomeLabels } from "~/modules/collections/task-labels";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

/** What the account page's action answers when something must be fixed: Conform's result. */
export type CollectionsActionData = SubmissionResult<string[]> | undefined;

const section = "rounded-lg bg-white p-4 ring-1 ring-slate-200";

/** The result belongs to the form whose intent (and task) sent it; every form posts to the same action. */
function resultFor(actionData: CollectionsActionData, intent: AccountCollectionsIntent, taskId?: string): SubmissionResult<string[]> | undefined {
  const sent = actionData?.initialValue as Record<string, unknown> | undefined;
  if (sent?.intent !== intent) return undefined;
  if (taskId !== undefined && sent.taskId !== taskId) return undefined;
  return actionData;
}

export interface ProfileView {
  profile: { segment: string | null; cadenceId: string | null; collectorId: string | null; collectorName: string | null; onHold: boolean; holdReason: string | null };
  applied: { id: string | null; name: string | null; source: "account" | "segment" | "default" };
  segments: Array<{ name: string; cadenceName: string | null }>;
  cadences: Array<{ id: string; name: string; isDefault: boolean }>;
  team: Array<{ id: string; name: string }>;
}

function appliedText(view: ProfileView): string {
  const name = view.applied.name ?? "none";
  if (view.applied.source === "account") return `${name} (set on this account)`;
  if (view.applied.source === "segment") return `${name} (from segment ${view.profile.segment ?? ""})`;
  return `${name} (the default cadence${view.profile.segment ? `; segment ${view.profile.segment} has none of its own` : ""})`;
}

/** Segment, cadence, collector and hold: how the AR team collects this account. */
export function CollectionProfileForm({ view, me, actionData, busy }: { view: ProfileView; me: string; actionData: CollectionsActionData; busy: boolean }) {
  const { profile } = view;
  const [form, fields] = useForm<{ segment: string; cadenceId: string; collectorId: string; onHold: string; holdReason: string; intent: string }>({
    id: "profile",
    lastResult: resultFor(actionData, "profile"),
    defaultValue: { segment: profile.segment ?? "", cadenceId: profile.cadenceId ?? "", collectorId: profile.collectorId ?? "", onHold: profile.onHold ? "on" : "", holdReason: profile.holdReason ?? "" },
  });
  return (
    <section aria-labelledby="profile-heading" className={section}>
      <h3 id="profile-heading" className="font-semibold">
        Collection profile
      </h3>
      <p className="mt-1 text-sm text-slate-700" data-testid="applied-cadence">
        Cadence in use: {appliedText(view)}
      </p>
      <Form method="post" className="mt-3 space-y-3" {...getFormProps(form)}>
        <FormErrors form={form} />
        <TextField meta={fields.segment} label="Segment" hint="Pick one or type a new name." list="segment-choices" maxLength={60} autoComplete="off" />
        <datalist id="segment-choices">
          {view.segments.map((s) => (
            <option key={s.name} value={s.name}>
              {s.cadenceName ? `${s.name} → ${s.cadenceName}` : s.name}
            </option>
          ))}
        </datalist>
        <SelectField
          meta={fields.cadenceId}
          label="Cadence"
          options={[{ value: "", label: "From the segment, else the default" }, ...view.cadences.map((c) => ({ value: c.id, label: `${c.name}${c.isDefault ? " (default)" : ""}` }))]}
        />
        <SelectField
          meta={fields.collectorId}
          label="Collector"
          options={[{ value: "", label: "Unassigned" }, ...view.team.map((t) => ({ value: t.id, label: `${t.name}${t.id === me ? " (me)" : ""}` }))]}
        />
        <div>
          <label className="inline-flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" name={fields.onHold.name} value="on" defaultChecked={fields.onHold.initialValue === "on"} className="size-5" />
            On hold: send no reminders
          </label>
          <FieldErrors meta={fields.onHold} />
        </div>
        <TextField meta={fields.holdReason} label="Why on hold" hint="Required when on hold." maxLength={500} />
        <input type="hidden" name="intent" value="profile" />
        <Button type="submit" disabled={busy}>
          Save profile
        </Button>
      </Form>
    </section>
  );
}

export interface Facts {
  averageDaysLate: number | null;
  paidInvoices12m: number;
  balances: Array<{ currency: string; openBalance: number; overdueBalance: number }>;
  disputes12m: number;
  promisesKept: number;
  promisesBroken: number;
  promiseKeptRate: number | null;
}

/** The computed facts beside the segment. */
export function AccountFactsPanel({ facts }: { facts: Facts }) {
  const item = (label: string, value: string, testId: string) => (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
  return (
    <section aria-labelledby="facts-heading" className={section}>
      <h3 id="facts-heading" className="font-semibold">
        Facts
      </h3>
      <dl className="mt-2 grid grid-cols-2 gap-3">
        {item("Average days late (12 months)", facts.averageDaysLate === null ? "No paid invoices" : `${facts.averageDaysLate} days (${facts.paidInvoices12m} invoices)`, "fact-days-late")}
        {item("Disputes (12 months)", String(facts.disputes12m), "fact-disputes")}
        {item("Open balance", facts.balances.length ? facts.balances.map((b) => formatMoney(b.openBalance, b.currency)).join(" + ") : "Nothing open", "fact-open")}
        {item("Overdue balance", facts.balances.length ? facts.balances.map((b) => formatMoney(b.overdueBalance, b.currency)).join(" + ") : "—", "fact-overdue")}
        {item(
          "Promise-kept rate",
          facts.promiseKeptRate === null ? "No promises resolved yet" : `${Math.round(facts.promiseKeptRate * 100)}% (${facts.promisesKept} kept, ${facts.promisesBroken} broken)`,
          "fact-promise-rate",
        )}
      </dl>
    </section>
  );
}

export interface PromiseRow {
  id: string;
  status: string;
  amount: number;
  currency: string;
  promisedFor: string;
  source: string;
  note: string | null;
  createdByName: string | null;
  invoices: Array<{ id: string; number: string }>;
}
export interface PromiseChoices {
  invoices: Array<{ id: string; number: string; currency: string; dueDate: string; promisable: number; overdue: boolean }>;
  earliest: string;
  latest: string;
  maxDays: number;
}

/** Open promises and the "Record a promise" form (staff on a call). */
export function PromisesPanel({ promises, choices, actionData, busy, highlight }: { promises: PromiseRow[]; choices: PromiseChoices; actionData: CollectionsActionData; busy: boolean; highlight: boolean }) {
  const open = promises.filter((p) => p.status === "open");
  const lastResult = resultFor(actionData, "promise");
  const [form, fields] = useForm<{ invoice: string[]; amount: string; promisedFor: string; note: string; intent: string }>({ id: "record-promise", lastResult });
  const ticked = new Set((lastResult?.initialValue as { invoice?: string[] | string } | undefined)?.invoice ?? []);
  return (
    <section aria-labelledby="promises-heading" className={`${section} ${highlight ? "ring-2 ring-brand-600" : ""}`} id="promises">
      <h3 id="promises-heading" className="font-semibold">
        Promises to pay
      </h3>
      {open.length === 0 ? (
        <p className="mt-1 text-sm text-slate-700">No open promise.</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm" data-testid="open-promises">
          {open.map((p) => (
            <li key={p.id}>
              <span className="font-medium">
                {formatMoney(p.amount, p.currency)} by {formatDate(p.promisedFor)}
              </span>{" "}
              on {p.invoices.map((i) => i.number).join(", ")}
              <span className="text-slate-600"> · {p.source === "staff" ? `recorded by ${p.createdByName ?? "staff"}` : p.source === "portal" ? "made in the portal" : p.source === "pay_link" ? "made on a pay link" : "through the API"}</span>
            </li>
          ))}
        </ul>
      )}
      <h4 className="mt-4 text-sm font-semibold">Record a promise</h4>
      {choices.invoices.length === 0 ? (
        <p className="mt-1 text-sm text-slate-700">No invoice can be promised now (none open, or each is on a plan or already promised).</p>
      ) : (
        <Form method="post" className="mt-2 space-y-3" {...getFormProps(form)}>
          <FormErrors form={form} />
          <fieldset>
            <legend className="text-sm font-medium">Invoices</legend>
            <ul className="mt-1 space-y-1">
              {choices.invoices.map((i) => (
                <li key={i.id}>
                  <label className="inline-flex items-center gap-2 text-sm">
                    <input type="checkbox" name="invoice" value={i.id} defaultChecked={ticked.size ? ticked.has(i.id) : i.overdue} className="size-5" />
                    {i.number} · {formatMoney(i.promisable, i.currency)} · due {formatDate(i.dueDate)}
                    {i.overdue ? <span className="text-red-800"> (overdue)</span> : null}
                  </label>
                </li>
              ))}
            </ul>
            <FieldErrors meta={fields.invoice} />
          </fieldset>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField meta={fields.amount} label="Amount" hint="Leave empty for everything due on the ticked invoices." inputMode="decimal" maxLength={40} />
            <TextField meta={fields.promisedFor} label="Pay by" type="date" min={choices.earliest} max={choices.latest} hint={`At most ${choices.maxDays} days ahead.`} />
          </div>
          <TextAreaField meta={fields.note} label="Note (optional)" rows={2} maxLength={1000} />
          <input type="hidden" name="intent" value="promise" />
          <Button type="submit" disabled={busy}>
            Record promise
          </Button>
        </Form>
      )}
    </section>
  );
}

export interface TaskRow {
  id: string;
  kind: "call" | "broken_promise" | "follow_up";
  title: string;
  dueOn: string;
  assigneeName: string | null;
  due: boolean;
}

function CompleteTaskForm({ task, actionData, busy }: { task: TaskRow; actionData: CollectionsActionData; busy: boolean }) {
  const [form, fields] = useForm<{ taskId: string; outcome: string; taskNote: string; intent: string }>({ id: `task-${task.id}`, lastResult: resultFor(actionData, "complete_task", task.id) });
  return (
    <li className="py-3" data-testid="open-task">
      <p className="text-sm">
        <span className={`mr-2 rounded-full px-2 py-0.5 text-xs font-medium ${task.due ? "bg-blue-100 text-blue-900" : "bg-slate-100 text-slate-800"}`}>{taskKindLabels[task.kind]}</span>
        <span className="font-medium">{task.title}</span>
        <span className={task.due ? " text-red-800" : " text-slate-700"}>
          {" "}
          · due {formatDate(task.dueOn)}
          {task.assigneeName ? ` · ${task.assigneeName}` : ""}
        </span>
      </p>
      <Form method="post" className="mt-2 grid gap-2 sm:grid-cols-[12rem_minmax(0,1fr)_auto] sm:items-end" {...getFormProps(form)}>
        <FormErrors form={form} />
        <input type="hidden" name="taskId" value={task.id} />
        <input type="hidden" name="intent" value="complete_task" />
        <SelectField meta={fields.outcome} label="Outcome" options={[{ value: "", label: "Choose…" }, ...taskOutcomes.map((o) => ({ value: o, label: taskOutcomeLabels[o] }))]} />
        <TextField meta={fields.taskNote} label="Note" maxLength={2000} />
        <Button type="submit" disabled={busy} aria-label={`Complete task: ${task.title}`}>
          Complete
        </Button>
      </Form>
    </li>
  );
}

/** The account's open tasks (each completed with an outcome) and a follow-up to add. */
export function TasksPanel({ tasks, team, collectorId, actionData, busy, today }: { tasks: TaskRow[]; team: Array<{ id: string; name: string }>; collectorId: string | null; actionData: CollectionsActionData; busy: boolean; today: string }) {
  const [form, fields] = useForm<{ dueOn: string; title: string; assigneeId: string; intent: string }>({ id: "follow-up", lastResult: resultFor(actionData, "follow_up"), defaultValue: { assigneeId: collectorId ?? "" } });
  return (
    <section aria-labelledby="tasks-heading" className={section} id="tasks">
      <h3 id="tasks-heading" className="font-semibold">
        Open tasks
      </h3>
      {tasks.length === 0 ? <p className="mt-1 text-sm text-slate-700">No open tasks.</p> : null}
      <ul className="divide-y divide-slate-100">
        {tasks.map((t) => (
          <CompleteTaskForm key={t.id} task={t} actionData={actionData} busy={busy} />
        ))}
      </ul>
      <h4 className="mt-4 text-sm font-semibold">Add a follow-up</h4>
      <Form method="post" className="mt-2 grid gap-2 sm:grid-cols-3 sm:items-end" {...getFormProps(form)}>
        <FormErrors form={form} />
        <TextField meta={fields.dueOn} label="Date" type="date" min={today} />
        <TextField meta={fields.title} label="What to do" placeholder="Follow up" maxLength={200} />
        <SelectField meta={fields.assigneeId} label="For" options={[{ value: "", label: "The collector (or me)" }, ...team.map((t) => ({ value: t.id, label: t.name }))]} />
        <input type="hidden" name="intent" value="follow_up" />
        <div className="sm:col-span-3">
          <Button type="submit" variant="secondary" disabled={busy}>
            Add follow-up
          </Button>
        </div>
      </Form>
    </section>
  );
}

/** A free-text note on the account (it lands on the timeline). */
export function NoteForm({ actionData, busy }: { actionData: CollectionsActionData; busy: boolean }) {
  const [form, fields] = useForm<{ body: string; intent: string }>({ id: "note", lastResult: resultFor(actionData, "note") });
  return (
    <Form method="post" className="space-y-2" {...getFormProps(form)}>
      <FormErrors form={form} />
      <TextAreaField meta={fields.body} label="Add a note" rows={2} maxLength={5000} />
      <input type="hidden" name="intent" value="note" />
      <Button type="submit" variant="secondary" disabled={busy}>
        Add note
      </Button>
    </Form>
  );
}

export interface TimelineRow {
  key: string;
  at: string;
  kind: string;
  title: string;
  detail: string | null;
  by: string | null;
  href: string | null;
  tone: "neutral" | "good" | "bad";
}

const kindLabels: Record<string, string> = { invoice: "Invoice", reminder: "Reminder", task: "Task", note: "Note", promise: "Promise", payment: "Payment", dispute: "Dispute", plan: "Plan" };
const toneClass = { neutral: "bg-slate-100 text-slate-800", good: "bg-green-100 text-green-900", bad: "bg-red-100 text-red-900" };

/** Everything about the account, newest first. */
export function Timeline({ entries, olderHref }: { entries: TimelineRow[]; olderHref: string | null }) {
  return (
    <>
      {entries.length === 0 ? <p className="mt-2 text-slate-700">Nothing has happened on this account yet.</p> : null}
      <ol className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200" data-testid="timeline">
        {entries.map((e) => (
          <li key={e.key} className="grid gap-1 px-3 py-2 text-sm sm:grid-cols-[11rem_6rem_minmax(0,1fr)]" data-testid="timeline-entry">
            <LocalTime iso={e.at} className="text-slate-600" />
            <span>
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${toneClass[e.tone]}`}>{kindLabels[e.kind] ?? e.kind}</span>
            </span>
            <span>
              {e.href ? (
                <Link to={e.href} className="font-medium text-brand-700 underline">
                  {e.title}
                </Link>
              ) : (
                <span className="font-medium">{e.title}</span>
              )}
              {e.detail ? <span className="block whitespace-pre-line text-slate-700">{e.detail}</span> : null}
              {e.by ? <span className="block text-xs text-slate-600">by {e.by}</span> : null}
            </span>
          </li>
        ))}
      </ol>
      {olderHref ? (
        <p className="mt-2">
          <Link to={olderHref} className="text-sm text-brand-700 underline" preventScrollReset>
            Show older
          </Link>
        </p>
      ) : null}
    </>
  );
}
