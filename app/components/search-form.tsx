import { Form } from "@remix-run/react";

/** A GET search box that keeps the other parameters it is given. */
export function SearchForm({ label, defaultValue, keep = {} }: { label: string; defaultValue: string; keep?: Record<string, string> }) {
  return (
    <Form method="get" role="search" className="flex flex-wrap items-end gap-2">
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div>
        <label htmlFor="q" className="block text-sm font-medium">
          {label}
        </label>
        <input id="q" name="q" type="search" defaultValue={defaultValue} className="mt-1 w-64 max-w-full rounded-md border border-slate-400 bg-white px-3 py-2" />
      </div>
      <button type="submit" className="rounded-md bg-white px-3 py-2 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
        Search
      </button>
    </Form>
  );
}
