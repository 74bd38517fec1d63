import { Link } from "@remix-run/react";
import { invoiceField } from "~/modules/plans/enrol-preview";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

export interface EnrolInvoice {
  id: string;
  number: string;
  currency: string;
  dueDate: string;
  balance: number;
  paymentPlanId: string | null;
  ineligible: string | null;
}

const fieldErrorClass = "mt-1 text-sm text-red-800";

/** Step 1 of enrolling: tick the invoices that go on the plan; each one's problem shows beside it. */
export function EnrolInvoicePicker(props: {
  eligible: EnrolInvoice[];
  chosenIds: string[];
  onToggle: (id: string, on: boolean) => void;
  errors: Record<string, string[] | null | undefined>;
  summary: string;
  selectionError: string | undefined;
}) {
  const { eligible, chosenIds, onToggle, errors, summary, selectionError } = props;
  return (
    <fieldset id="invoices" tabIndex={-1} aria-describedby={selectionError ? "invoices-error" : undefined} className="mt-2">
      <legend className="sr-only">Invoices to put on the plan</legend>
      <ul className="divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
        {eligible.map((inv) => {
          const error = errors[invoiceField(inv.id)]?.[0];
          return (
            <li key={inv.id} className="flex items-start gap-3 px-3 py-2">
              <input
                type="checkbox"
                id={`invoice-${inv.id}`}
                name="invoice"
                value={inv.id}
                checked={chosenIds.includes(inv.id)}
                onChange={(e) => onToggle(inv.id, e.target.checked)}
                aria-invalid={error ? true : undefined}
                aria-describedby={`invoice-${inv.id}-facts${error ? ` invoice-${inv.id}-error` : ""}`}
                className="mt-1 h-4 w-4 shrink-0"
              />
              <div className="min-w-0 flex-1">
                <label htmlFor={`invoice-${inv.id}`} className="font-medium">
                  {inv.number}
                </label>
                <p id={`invoice-${inv.id}-facts`} className="text-sm text-slate-700">
                  {formatMoney(inv.balance, inv.currency)} · due {formatDate(inv.dueDate)}
                </p>
                {error ? (
                  <p id={`invoice-${inv.id}-error`} className={fieldErrorClass}>
                    {error}
                  </p>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      <p className="mt-2 text-sm text-slate-800" aria-live="polite">
        {summary}
      </p>
      {selectionError ? (
        <p id="invoices-error" className={fieldErrorClass}>
          {selectionError}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The open invoices that cannot go on a plan, each with the reason in words. */
export function IneligibleList({ invoices, errors }: { invoices: EnrolInvoice[]; errors: Record<string, string[] | null | undefined> }) {
  if (invoices.length === 0) return null;
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">These invoices cannot go on a plan</legend>
      <ul className="mt-1 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
        {invoices.map((inv) => (
          <li key={inv.id} className="flex items-start gap-3 px-3 py-2">
            <input type="checkbox" id={`invoice-${inv.id}`} value={inv.id} disabled aria-describedby={`invoice-${inv.id}-reason`} className="mt-1 h-4 w-4 shrink-0" />
            <div className="min-w-0 flex-1">
              <label htmlFor={`invoice-${inv.id}`} className="font-medium text-slate-700">
                {inv.number} · {formatMoney(inv.balance, inv.currency)} · due {formatDate(inv.dueDate)}
              </label>
              <p id={`invoice-${inv.id}-reason`} className="text-sm text-slate-700">
                {errors[invoiceField(inv.id)]?.[0] ?? inv.ineligible}{" "}
                {inv.paymentPlanId ? (
                  <Link to={`/plans/${inv.paymentPlanId}`} className="text-brand-700 underline">
                    View that plan
                  </Link>
                ) : null}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
