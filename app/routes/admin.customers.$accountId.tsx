import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { PayLinksPanel } from "~/components/collections/pay-links-panel";
import { AccountFactsPanel, CollectionProfileForm, NoteForm, PromisesPanel, TasksPanel, Timeline, type CollectionsActionData } from "~/components/collections/account-collections";
import { AccountLateFees } from "~/components/fees/account-late-fees";
import { AdminPlanTable } from "~/components/plans/admin-plan-list";
import { CreditsPanel } from "~/components/credits/credits-panel";
import { AccountAutopay } from "~/components/autopay/account-autopay";
import { getAutopay } from "~/modules/autopay/get-autopay.server";
import { getCustomer } from "~/modules/admin/get-customer.server";
import { listMethods } from "~/modules/methods/list-methods.server";
import { SavedMethodCard } from "~/components/methods/saved-method-card";
import { requireStaffActor } from "~/modules/auth/session.server";
import { addAccountNote } from "~/modules/collections/add-account-note.server";
import { completeTask } from "~/modules/collections/complete-task.server";
import { REMINDER_ROLE_LABELS } from "~/modules/collections/contact-forms.server";
import { createFollowUpTask } from "~/modules/collections/create-task.server";
import { getAccountFacts } from "~/modules/collections/get-account-facts.server";
import { getAccountTimeline } from "~/modules/collections/get-account-timeline.server";
import { getCollectionProfile } from "~/modules/collections/get-collection-profile.server";
import { listPayLinks } from "~/modules/collections/list-pay-links.server";
import { listAccountPromises } from "~/modules/collections/list-promises.server";
import { listOpenTasks } from "~/modules/collections/list-tasks.server";
import { createPromiseFromForm, promiseOptions } from "~/modules/collections/promise-options.server";
import { setCollectionProfile } from "~/modules/collections/set-collection-profile.server";
import { getAccountLateFees } from "~/modules/fees/get-late-fee-policies.server";
import { accountLateFeesFormValues, customerPageForm } from "~/modules/fees/late-fee-forms.server";
import { setAccountLateFees } from "~/modules/fees/set-account-late-fees.server";
import { CONTACT_ROLE_LABELS, NOTIFICATION_KIND_LABELS } from "~/modules/notifications/notification-forms.server";
import { listPlans } from "~/modules/plans/list-plans.server";
import { creditChoices } from "~/modules/credits/credit-choices.server";
import { today } from "~/utils/clock";
import { formatDate } from "~/utils/dates";
import { invalidReply, parseForm, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { isProblem, type Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.account.name ?? "Customer"} · AR admin` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const customer = orThrow(await getCustomer(params.accountId ?? ""));
  const accountId = customer.account.id;
  // "Show older": the oldest time shown, exactly as this page wrote it (an ISO instant).
  const before = new URL(request.url).searchParams.get("before");
  const olderThan = before && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(before) ? before : null;
  const [plans, profile, facts, promises, choices, tasks, timeline, payLinks, credits, fees, autopay, savedMethods] = await Promise.all([
    listPlans(actor, { accountId, limit: 50 }).then(orThrow),
    getCollectionProfile(actor, accountId).then(orThrow),
    getAccountFacts(actor, accountId).then(orThrow),
    listAccountPromises(actor, { accountId }).then(orThrow),
    promiseOptions(actor, accountId),
    listOpenTasks(actor, { accountId }).then(orThrow),
    getAccountTimeline(actor, { accountId, before: olderThan }).then(orThrow),
    listPayLinks(actor, { accountId }).then(orThrow),
    // Credits section (issue 16): its own data, form and action (admin.customers.$accountId_.credits.tsx).
    creditChoices(actor, accountId).then(orThrow),
    getAccountLateFees(actor, accountId).then(orThrow),
    getAutopay(actor, accountId).then(orThrow),
    listMethods(actor, { accountId }).then(orThrow),
  ]);
  const lateFees = { ...fees, values: accountLateFeesFormValues(fees.allowed, fees.own, fees.fallback) };
  // The labels come from the loader: their module carries zod, which stays out of the page.
  const reminderRoles = Object.entries(REMINDER_ROLE_LABELS).map(([value, label]) => ({ value, label }));
  const contactRoles = Object.entries(CONTACT_ROLE_LABELS).map(([value, label]) => ({ value, label }));
  const notificationKinds = Object.entries(NOTIFICATION_KIND_LABELS).map(([kind, { label }]) => ({ kind: kind as keyof typeof NOTIFICATION_KIND_LABELS, label }));
  return json({ customer, plans, profile, facts, promises, choices, tasks, timeline, payLinks, credits, lateFees, autopay, savedMethods, reminderRoles, contactRoles, notificationKinds, me: actor.userId, today: today() });
}

const notices = {
  profile: "Collection profile saved.",
  promise: "Promise recorded. Reminders for those invoices pause until its date.",
  note: "Note added.",
  complete_task: "Task completed.",
  follow_up: "Follow-up added.",
  late_fees: "Late fees saved. The next run charges by them; fees already posted stay.",
} as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const customer = orThrow(await getCustomer(params.accountId ?? ""));
  const accountId = customer.account.id;
  const submission = await parseForm(request, customerPageForm);
  if (submission.status !== "success") return invalidReply(submission);
  const form = submission.value;
  const page = `/admin/customers/${accountId}`;
  const answer = async (result: unknown | Problem, to = page, notice: string = notices[form.intent]) => (isProblem(result) ? replyWithProblem(submission, result) : redirectWithToast(to, notice));

  switch (form.intent) {
    case "profile": {
      const result = await setCollectionProfile(actor, {
        accountId,
        segment: form.segment ?? null,
        cadenceId: form.cadenceId || null,
        collectorId: form.collectorId || null,
        onHold: form.onHold === "on",
        holdReason: form.holdReason ?? null,
      });
      return answer(result, page, !isProblem(result) && !result.changed ? "Nothing to save: the profile was already like this." : notices.profile);
    }
    case "promise":
      return answer(await createPromiseFromForm(actor, { accountId, invoiceIds: form.invoice, amount: form.amount, promisedFor: form.promisedFor, note: form.note ?? null }), `${page}#timeline`);
    case "note":
      return answer(await addAccountNote(actor, { accountId, body: form.body }), `${page}#timeline`);
    case "complete_task": {
      const result = await completeTask(actor, { taskId: form.taskId, accountId, outcome: form.outcome, note: form.taskNote ?? null });
      // "Promised": the promise form is next, on the same page.
      if (!isProblem(result) && result.outcome === "promised") return redirectWithToast(`${page}?promise=1#promises`, "Task completed. Record the promise they made below.");
      return answer(result, `${page}#timeline`);
    }
    case "follow_up":
      return answer(await createFollowUpTask(actor, { accountId, dueOn: form.dueOn, title: form.title ?? null, assigneeId: form.assigneeId || null }), `${page}#tasks`);
    case "late_fees": {
      const result = await setAccountLateFees(actor, { accountId, allowed: form.allowed, own: form.own });
      // An agent posting by hand: the page's 403, not a form error.
      if (isProblem(result) && result.kind === "forbidden") orThrow(result);
      return answer(result, `${page}#late-fees`, !isProblem(result) && !result.changed ? "Nothing to save: the late fees were already like this." : notices.late_fees);
    }
  }
}

export default function CustomerPage() {
  const { customer, plans, profile, facts, promises, choices, tasks, timeline, payLinks, credits, lateFees, autopay, savedMethods, reminderRoles, contactRoles, notificationKinds, me, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as CollectionsActionData;
  const busy = useNavigation().state !== "idle";
  const location = useLocation();
  const { account, contacts, balances } = customer;
  const olderHref = timeline.olderBefore ? `${location.pathname}?before=${encodeURIComponent(timeline.olderBefore)}#timeline` : null;
  return (
    <>
      <p className="mb-4">
        <Link to="/admin/customers" className="text-sm text-brand-700 underline">
          ← All customers
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{account.name}</h1>
      <p className="text-slate-700">
        {account.number} · ERP id {account.externalId ?? "—"} · billing {account.billingEmail ?? "—"}
      </p>

      <h2 className="mt-6 text-lg font-semibold">Balances</h2>
      {balances.length === 0 ? <p className="mt-2">Nothing open.</p> : null}
      <div className="mt-2 grid gap-3 sm:grid-cols-3">
        {balances.map((b) => (
          <div key={b.currency} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <p className="text-sm text-slate-600">{b.currency} open ({b.openCount})</p>
            <p className="text-xl font-semibold tabular-nums">{formatMoney(b.openBalance, b.currency)}</p>
            <p className={`text-sm ${b.overdueBalance > 0 ? "text-red-800" : "text-slate-600"}`}>
              {formatMoney(b.overdueBalance, b.currency)} overdue ({b.overdueCount})
            </p>
          </div>
        ))}
      </div>
      <p className="mt-3">
        <Link className="text-brand-700 underline" to={`/admin/invoices?account=${account.id}&filter=all`}>
          See all invoices of {account.name}
        </Link>
      </p>

      {/* Credits (issue 16): self-contained; posts to /admin/customers/:id/credits. */}
      <CreditsPanel accountId={account.id} data={credits} busy={busy} />
      {/* End of Credits. */}
      <AccountAutopay view={autopay} />

      <h2 className="mt-6 text-lg font-semibold" id="collections">
        Collections
      </h2>
      {profile.profile.onHold ? (
        <p className="mt-1 rounded-md bg-slate-100 px-3 py-2 text-sm">
          <span className="font-semibold">On hold:</span> {profile.profile.holdReason}
        </p>
      ) : null}
      <p className="mt-1 text-sm text-slate-700">
        Collector: {profile.profile.collectorName ?? "unassigned"} ·{" "}
        <Link to={`/admin/customers/${account.id}/reminders`} className="text-brand-700 underline">
          Reminder calendar
        </Link>
      </p>
      <div className="mt-2 grid gap-3 lg:grid-cols-2">
        <CollectionProfileForm key={JSON.stringify(profile.profile)} view={profile} me={me} actionData={actionData} busy={busy} />
        <div className="space-y-3">
          <AccountFactsPanel facts={facts} />
          <PromisesPanel promises={promises} choices={choices} actionData={actionData} busy={busy} highlight={location.search.includes("promise=1")} />
        </div>
      </div>
      <div className="mt-3">
        <TasksPanel tasks={tasks} team={profile.team} collectorId={profile.profile.collectorId} actionData={actionData} busy={busy} today={today} />
      </div>

      <AccountLateFees key={JSON.stringify(lateFees.values)} view={lateFees} actionData={actionData} busy={busy} />

      <PayLinksPanel links={payLinks} />

      <h2 className="mt-6 text-lg font-semibold">Saved payment methods</h2>
      {savedMethods.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">The payers of this account have saved no payment method.</p>
      ) : (
        <ul className="mt-2 grid gap-3 lg:grid-cols-2">
          {savedMethods.map((method) => (
            <SavedMethodCard key={method.id} method={method} readOnly planHref={(id) => `/admin/plans/${id}`} />
          ))}
        </ul>
      )}

      <h2 className="mt-6 text-lg font-semibold" id="timeline">
        Timeline
      </h2>
      <div className="mt-2 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <NoteForm actionData={actionData} busy={busy} />
      </div>
      <Timeline entries={timeline.entries} olderHref={olderHref} />

      <h2 className="mt-6 text-lg font-semibold" id="contacts">
        Contacts
      </h2>
      <p className="mt-1 max-w-prose text-sm text-slate-700">
        Email about the account goes once: to its billing contacts, with approvers and others in CC (the billing email when no billing contact wants it). Each contact chooses which emails they get.
      </p>
      <div className="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Name</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Email</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Last sign-in</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Role</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Reminder emails</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Gets (their choice)</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {contacts.map((c) => (
              <tr key={c.id}>
                <td className="px-3 py-2">
                  {c.name}
                  {c.title ? <span className="block text-xs text-slate-600">{c.title}</span> : null}
                </td>
                <td className="px-3 py-2">{c.email}</td>
                <td className="hidden px-3 py-2 sm:table-cell">{c.lastSignInAt ? formatDate(c.lastSignInAt.slice(0, 10)) : "Never"}</td>
                <td className="px-3 py-2">
                  <Form method="post" action={`/admin/customers/${account.id}/contacts`} className="flex items-center gap-2" key={c.role}>
                    <input type="hidden" name="intent" value="role" />
                    <input type="hidden" name="userId" value={c.id} />
                    <select name="role" defaultValue={c.role} aria-label={`Role of ${c.name}`} className="rounded-md border border-slate-400 bg-white px-2 py-1">
                      {contactRoles.map((r) => (
                        <option key={r.value} value={r.value}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="rounded-md px-2 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100" aria-label={`Save role of ${c.name}`}>
                      Save
                    </button>
                  </Form>
                </td>
                <td className="px-3 py-2">
                  <Form method="post" action={`/admin/customers/${account.id}/contacts`} className="flex items-center gap-2" key={c.reminders}>
                    <input type="hidden" name="userId" value={c.id} />
                    <select name="reminders" defaultValue={c.reminders} aria-label={`Reminder emails for ${c.name}`} className="rounded-md border border-slate-400 bg-white px-2 py-1">
                      {reminderRoles.map((r) => (
                        <option key={r.value} value={r.value}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="rounded-md px-2 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100" aria-label={`Save reminder emails for ${c.name}`}>
                      Save
                    </button>
                  </Form>
                </td>
                <td className="px-3 py-2" data-testid={`preferences-${c.email}`}>
                  {notificationKinds.every((k) => c.notifications[k.kind] !== false)
                    ? "Every email"
                    : notificationKinds.filter((k) => c.notifications[k.kind] !== false).map((k) => k.label).join(", ") || "None (turned all off)"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {contacts.length === 0 ? <p className="p-4">No contacts yet.</p> : null}
      </div>

      <h2 className="mt-6 text-lg font-semibold">Payment plans</h2>
      {plans.length === 0 ? (
        <p className="mt-2">No payment plans.</p>
      ) : (
        <AdminPlanTable rows={plans} showCustomer={false} caption={`Payment plans of ${account.name}, newest first`} empty="No payment plans." />
      )}
    </>
  );
}
