import type { PlanPolicyRules } from "#db/schema/plan-values";
import type { EnrolField, EnrolValues } from "~/modules/plans/enrol-preview";
import { frequencyLabels } from "~/modules/plans/schedule";
import { addDays, formatDate } from "~/utils/dates";

const fieldErrorClass = "mt-1 text-sm text-red-800";
const inputClass = "mt-1 block w-full max-w-xs rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700";

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} className={fieldErrorClass}>
      {message}
    </p>
  ) : null;
}

/** Step 2 of enrolling: how many installments, how often, from when. Controlled: the schedule below follows every change. */
export function EnrolScheduleFields(props: {
  rules: PlanPolicyRules;
  today: string;
  values: EnrolValues;
  onChange: (field: EnrolField, value: string) => void;
  errorOf: (field: EnrolField) => string | undefined;
}) {
  const { rules, today, values, onChange, errorOf } = props;
  const lastFirstDate = addDays(today, rules.firstInstallmentWithinDays);
  const countOptions = Array.from({ length: Math.max(0, rules.maxInstallments - 1) }, (_, i) => String(i + 2));
  // A value from outside the list (a changed form) stays visible, with its error.
  if (values.installmentCount && !countOptions.includes(values.installmentCount)) countOptions.push(values.installmentCount);
  const countError = errorOf("installmentCount");
  const frequencyError = errorOf("frequency");
  const dateError = errorOf("firstDate");
  const hint = rules.downPaymentPercent > 0;
  return (
    <>
      <div>
        <label htmlFor="installmentCount" className="block text-sm font-medium text-slate-800">
          Number of installments
        </label>
        {hint ? (
          <p id="installmentCount-hint" className="text-sm text-slate-600">
            Besides the down payment of {rules.downPaymentPercent}%.
          </p>
        ) : null}
        <select
          id="installmentCount"
          name="installmentCount"
          value={values.installmentCount}
          onChange={(e) => onChange("installmentCount", e.target.value)}
          aria-invalid={countError ? true : undefined}
          aria-describedby={[hint ? "installmentCount-hint" : null, countError ? "installmentCount-error" : null].filter(Boolean).join(" ") || undefined}
          className={inputClass}
        >
          {countOptions.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <FieldError id="installmentCount-error" message={countError} />
      </div>

      <fieldset aria-describedby={frequencyError ? "frequency-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">How often</legend>
        <div className="mt-1 flex flex-wrap gap-x-6 gap-y-2">
          {rules.frequencies.map((f) => (
            <div key={f} className="flex items-center gap-2">
              <input
                type="radio"
                id={`frequency-${f}`}
                name="frequency"
                value={f}
                checked={values.frequency === f}
                onChange={() => onChange("frequency", f)}
                aria-invalid={frequencyError ? true : undefined}
                className="h-4 w-4"
              />
              <label htmlFor={`frequency-${f}`}>{frequencyLabels[f]}</label>
            </div>
          ))}
        </div>
        <FieldError id="frequency-error" message={frequencyError} />
      </fieldset>

      <div>
        <label htmlFor="firstDate" className="block text-sm font-medium text-slate-800">
          Date of the first installment
        </label>
        <p id="firstDate-hint" className="text-sm text-slate-600">
          {rules.firstInstallmentWithinDays === 0 ? `Today, ${formatDate(today)}.` : `Between today, ${formatDate(today)}, and ${formatDate(lastFirstDate)}.`}
        </p>
        <input
          type="date"
          id="firstDate"
          name="firstDate"
          value={values.firstDate}
          min={today}
          max={lastFirstDate}
          onChange={(e) => onChange("firstDate", e.target.value)}
          aria-invalid={dateError ? true : undefined}
          aria-describedby={`firstDate-hint${dateError ? " firstDate-error" : ""}`}
          className={inputClass}
        />
        <FieldError id="firstDate-error" message={dateError} />
      </div>
    </>
  );
}
