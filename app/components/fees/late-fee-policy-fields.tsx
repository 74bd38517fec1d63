import type { FieldMetadata } from "@conform-to/react";
import { SelectField, TextField } from "~/components/forms/fields";

const kindOptions = [
  { value: "percent", label: "A percent of the overdue balance, each month" },
  { value: "fixed", label: "A fixed amount, each month" },
];

/**
 * The fields of a late-fee policy (the default's and a customer's own), wired by Conform. Both
 * the rate and the fixed amount are shown, so the form works without JavaScript; the kind says
 * which one counts.
 */
export function LateFeePolicyFields({
  meta,
  disabled = false,
}: {
  meta: Record<"kind" | "rate" | "fixedAmount" | "graceDays" | "capPerInvoice" | "capPerAccount", FieldMetadata<unknown>>;
  disabled?: boolean;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <SelectField meta={meta.kind} label="Fee" options={kindOptions} disabled={disabled} className="sm:col-span-2" />
      <TextField meta={meta.rate} label="Rate per month (%)" hint="For a percent fee: of the undisputed overdue balance, like 1.5." inputMode="decimal" autoComplete="off" disabled={disabled} />
      <TextField meta={meta.fixedAmount} label="Fixed fee per month (USD)" hint="For a fixed fee, like 25.00." inputMode="decimal" autoComplete="off" disabled={disabled} />
      <TextField meta={meta.graceDays} label="Grace (days after the due date)" hint="The first fee is charged the day after, then once a calendar month." inputMode="numeric" autoComplete="off" disabled={disabled} />
      <div className="hidden sm:block" />
      <TextField meta={meta.capPerInvoice} label="Cap per invoice (USD)" hint="The most fees one invoice can carry; empty for no cap." inputMode="decimal" autoComplete="off" disabled={disabled} />
      <TextField meta={meta.capPerAccount} label="Cap per customer (USD)" hint="The most unpaid fees one customer can owe at once; empty for no cap." inputMode="decimal" autoComplete="off" disabled={disabled} />
    </div>
  );
}
