import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CollectionsNav } from "~/components/collections/collections-nav";
import { WorklistReasons } from "~/components/collections/worklist-badges";
import { Pagination } from "~/components/pagination";
import { requireStaffActor } from "~/modules/auth/session.server";
import { collectionChoices } from "~/modules/collections/get-collection-profile.server";
import { getWorklist, worklistQuery } from "~/modules/collections/get-worklist.server";
import { listOpenTasks } from "~/modules/collections/list-tasks.server";
import { taskKindLabels } from "~/modules/collections/task-labels";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Collections · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  const query = worklistQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, tasks, choices] = await Promise.all([
    getWorklist(actor, query).then(orThrow),
    listOpenTasks(actor, { assignee: query.collector === "mine" ? "mine" : "any", limit: 15 }).then(orThrow),
    collectionChoices(actor).then(orThrow),
  ]);
  return json({ query, list, tasks, segments: choices.segments, team: choices.team, me: actor.userId });
}

const inputClass = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-2 py-2";

export default function CollectionsWorklist() {
  const { query, list, tasks, segments, team, me } = useLoaderData<typeof loader>();
  const dueTasks = tasks.filter((t) => t.due);
  return (
    <>
      <CollectionsNav />
      <h1 className="text-2xl font-semibold">Collections worklist</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Accounts with something to do today, most urgent first: overdue amount × days late, broken promises, call tasks due and disputes waiting on the AR team.
      </p>

      <Form method="get" aria-label="Filter the worklist" className="mt-4 flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <div>
          <label htmlFor="filter-collector" className="block text-sm font-medium">
            Collector
          </label>
          <select id="filter-collector" name="collector" defaultValue={query.collector} className={inputClass}>
            <option value="any">Anyone</option>
            <option value="mine">Mine</option>
            <option value="none">Unassigned</option>
            {team.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
                {s.id === me ? " (me)" : ""}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-segment" className="block text-sm font-medium">
            Segment
          </label>
          <select id="filter-segment" name="segment" defaultValue={query.segment} className={inputClass}>
            <option value="">Any segment</option>
            {segments.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="min-h-10 rounded-md bg-white px-4 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-100">
          Show
        </button>
      </Form>

      <div className="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Accounts to work on, most urgent first">
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Account</th>
              <th scope="col" className="px-3 py-2 text-left font-semibold">Why</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Overdue</th>
              <th scope="col" className="px-3 py-2 text-right font-semibold">Oldest</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold md:table-cell">Collector</th>
              <th scope="col" className="hidden px-3 py-2 text-left font-semibold md:table-cell">Segment</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.rows.map((r) => (
              <tr key={r.accountId} data-testid="worklist-row">
                <td className="px-3 py-2">
                  <Link to={`/admin/customers/${r.accountId}`} className="font-medium text-brand-700 underline">
                    {r.name}
                  </Link>
                  <span className="block text-xs text-slate-600">{r.number}</span>
                </td>
                <td className="px-3 py-2">
                  <WorklistReasons tasksDue={r.tasksDue} brokenPromises={r.brokenPromises} disputesWaiting={r.disputesWaiting} onHold={r.onHold} />
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">
                  {r.overdue.length ? r.overdue.map((o) => <span key={o.currency} className="block">{formatMoney(o.amount, o.currency)}</span>) : "—"}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{r.oldestDaysLate > 0 ? `${r.oldestDaysLate} days late` : "—"}</td>
                <td className="hidden px-3 py-2 md:table-cell">{r.collectorName ?? <span className="text-slate-600">Unassigned</span>}</td>
                <td className="hidden px-3 py-2 md:table-cell">{r.segment ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.rows.length === 0 ? <p className="p-6 text-slate-700">Nothing to do here: no account matches these filters.</p> : null}
      </div>
      <Pagination page={list.page} pageCount={list.pageCount} total={list.total} noun="accounts" />

      <section aria-labelledby="tasks-heading" className="mt-8">
        <h2 id="tasks-heading" className="text-lg font-semibold">
          {query.collector === "mine" ? "My open tasks" : "Open tasks"} <span className="text-sm font-normal text-slate-600">({dueTasks.length} due today or earlier)</span>
        </h2>
        {tasks.length === 0 ? (
          <p className="mt-2 text-slate-700">No open tasks.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
            {tasks.map((t) => (
              <li key={t.id} className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2 text-sm">
                <span>
                  <span className={`mr-2 rounded-full px-2 py-0.5 text-xs font-medium ${t.due ? "bg-blue-100 text-blue-900" : "bg-slate-100 text-slate-800"}`}>{taskKindLabels[t.kind]}</span>
                  <Link to={`/admin/customers/${t.accountId}#tasks`} className="font-medium text-brand-700 underline">
                    {t.accountName}
                  </Link>{" "}
                  · {t.title}
                </span>
                <span className={t.due ? "font-medium text-red-800" : "text-slate-700"}>
                  Due {formatDate(t.dueOn)}
                  {t.assigneeName ? ` · ${t.assigneeName}` : " · unassigned"}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
