import { Form, Link } from "@remix-run/react";
import type { DisputeReason, DisputeStatus } from "#db/schema/disputes";
import type { QueueQuery } from "~/modules/disputes/list-disputes.server";
import { reasonLabels, statusLabels } from "~/modules/disputes/policy";

const inputClass = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-2 py-2";

/** The queue's filters: a GET form, so a filtered queue is a link that can be shared. */
export function AdminDisputeQueueFilters({ query, staff }: { query: QueueQuery; staff: Array<{ id: string; name: string }> }) {
  return (
    <Form method="get" aria-label="Filter disputes" className="mt-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="filter-status" className="block text-sm font-medium">
            Status
          </label>
          <select id="filter-status" name="status" defaultValue={query.status} className={inputClass}>
            <option value="active">Active (open, in review, waiting)</option>
            {(Object.keys(statusLabels) as DisputeStatus[]).map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
            <option value="all">All</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-reason" className="block text-sm font-medium">
            Reason
          </label>
          <select id="filter-reason" name="reason" defaultValue={query.reason ?? ""} className={inputClass}>
            <option value="">Any reason</option>
            {(Object.keys(reasonLabels) as DisputeReason[]).map((r) => (
              <option key={r} value={r}>
                {reasonLabels[r]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-assignee" className="block text-sm font-medium">
            Assignee
          </label>
          <select id="filter-assignee" name="assignee" defaultValue={query.assignee ?? ""} className={inputClass}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="none">Unassigned</option>
            {staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-customer" className="block text-sm font-medium">
            Customer name
          </label>
          <input id="filter-customer" name="customer" type="search" maxLength={100} defaultValue={query.customer} className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-min" className="block text-sm font-medium">
            Amount from
          </label>
          <input id="filter-min" name="minAmount" type="number" min={0} step={1} inputMode="numeric" aria-describedby="filter-amount-hint" defaultValue={query.minAmount ?? ""} className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-max" className="block text-sm font-medium">
            Amount to
          </label>
          <input id="filter-max" name="maxAmount" type="number" min={0} step={1} inputMode="numeric" aria-describedby="filter-amount-hint" defaultValue={query.maxAmount ?? ""} className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-older" className="block text-sm font-medium">
            Older than (days)
          </label>
          <input id="filter-older" name="olderThanDays" type="number" min={0} step={1} inputMode="numeric" defaultValue={query.olderThanDays ?? ""} className={inputClass} />
        </div>
        <div className="flex items-end">
          <div className="flex min-h-10 items-center gap-2">
            <input id="filter-sla" name="sla" type="checkbox" value="breached" defaultChecked={query.sla === "breached"} className="h-5 w-5" />
            <label htmlFor="filter-sla" className="text-sm font-medium">
              SLA breached only
            </label>
          </div>
        </div>
      </div>
      <p id="filter-amount-hint" className="mt-2 text-sm text-slate-600">
        Amounts are whole units of the dispute&apos;s currency.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <button type="submit" className="min-h-10 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Filter
        </button>
        <Link to="/admin/disputes" className="text-sm text-brand-700 underline">
          Clear filters
        </Link>
      </div>
    </Form>
  );
}
