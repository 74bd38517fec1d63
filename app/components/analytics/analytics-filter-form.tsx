import { Form } from "@remix-run/react";

export interface FilterChoices {
  currencies: string[];
  segments: string[];
  collectors: Array<{ id: string; name: string }>;
}

const inputClass = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-2 py-2 aria-[invalid=true]:border-red-700";
const periodLabels = { month: "Month", quarter: "Quarter (3 months)", year: "12 months", custom: "Custom (months below)" } as const;

/**
 * The analytics filters as a GET form (so a filtered view is a link). `values` are what the
 * query string holds, as typed, so a refused value stays in its field beside its message.
 */
export function AnalyticsFilterForm({ values, choices, errors, defaultCurrency, submitLabel = "Show" }: { values: Record<string, string>; choices: FilterChoices; errors: Record<string, string>; defaultCurrency?: string; submitLabel?: string }) {
  const field = (name: string, label: string, control: (props: { id: string; name: string; "aria-invalid"?: true; "aria-describedby"?: string; className: string }) => JSX.Element, hint?: string) => {
    const id = `filter-${name}`;
    const error = errors[name];
    const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
    return (
      <div className="min-w-0">
        <label htmlFor={id} className="block text-sm font-medium">
          {label}
        </label>
        {control({ id, name, className: inputClass, ...(error ? { "aria-invalid": true } : {}), ...(describedBy ? { "aria-describedby": describedBy } : {}) })}
        {hint ? (
          <p id={`${id}-hint`} className="mt-1 text-xs text-slate-700">
            {hint}
          </p>
        ) : null}
        {error ? (
          <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-800">
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  // A currency typed in the URL that the book does not hold stays selectable, so it is kept.
  const currencies = values.currency && !choices.currencies.includes(values.currency.toUpperCase()) ? [...choices.currencies, values.currency] : choices.currencies;
  return (
    <Form method="get" aria-label="Filter the figures" className="grid grid-cols-1 gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-4">
      {field("currency", "Currency", (p) => (
        <select {...p} defaultValue={values.currency ?? defaultCurrency ?? ""}>
          {currencies.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ))}
      {field("period", "Period", (p) => (
        <select {...p} defaultValue={values.period ?? "quarter"}>
          {(Object.keys(periodLabels) as Array<keyof typeof periodLabels>).map((k) => (
            <option key={k} value={k}>
              {periodLabels[k]}
            </option>
          ))}
        </select>
      ))}
      {field("months", "Months (custom period)", (p) => <input {...p} type="text" inputMode="numeric" defaultValue={values.months ?? ""} />, "1 to 36; used when the period is Custom.")}
      {/* A refused date is shown as typed: a date input would blank it. */}
      {field("as_of", "As of", (p) => <input {...p} type={errors.as_of ? "text" : "date"} defaultValue={values.as_of ?? ""} placeholder="YYYY-MM-DD" />, "The period's last day (blank: today).")}
      {field("segment", "Segment", (p) => (
        <select {...p} defaultValue={values.segment ?? ""}>
          <option value="">Any segment</option>
          {choices.segments.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      ))}
      {field("collector", "Collector", (p) => (
        <select {...p} defaultValue={values.collector ?? ""}>
          <option value="">Any collector</option>
          {choices.collectors.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      ))}
      {field("customer", "Customer", (p) => <input {...p} type="text" defaultValue={values.customer ?? ""} autoComplete="off" />, "Account number or external id (blank: all).")}
      <div className="flex items-end">
        <button type="submit" className="min-h-10 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-900">
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}
