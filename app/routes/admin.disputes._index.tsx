import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AdminDisputeCounts, AdminDisputeQueueTable } from "~/components/disputes/admin-dispute-queue";
import { AdminDisputeQueueFilters } from "~/components/disputes/admin-dispute-queue-filters";
import { Pagination } from "~/components/pagination";
import { requireStaffActor } from "~/modules/auth/session.server";
import { listDisputeQueue, listStaff, queueQuery } from "~/modules/disputes/list-disputes.server";
import { now } from "~/utils/clock";
import { orThrow } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Disputes · AR admin" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireStaffActor(request, context);
  // A field left empty in the filter form means "no filter" (z.coerce would read "" as 0).
  const params = [...new URL(request.url).searchParams].filter(([, value]) => value.trim() !== "");
  const query = queueQuery.parse(Object.fromEntries(params));
  const [queue, team] = await Promise.all([listDisputeQueue(actor, query).then(orThrow), listStaff(actor).then(orThrow)]);
  return json({ query, queue, team, now: now().toISOString() });
}

export default function AdminDisputeQueue() {
  const { query, queue, team, now } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="text-2xl font-semibold">Disputes</h1>
      <AdminDisputeCounts counts={queue.counts} breachedCount={queue.breachedCount} />
      <AdminDisputeQueueFilters query={query} staff={team} />
      <AdminDisputeQueueTable rows={queue.rows} now={now} />
      <Pagination page={queue.page} pageCount={queue.pageCount} total={queue.total} noun="disputes" />
    </>
  );
}
