import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { FormErrors, SelectField } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import type { AccountLateFeesFormValues } from "~/modules/fees/late-fee-forms";
import { formatMoney } from "~/utils/money";
import { LateFeePolicyFields } from "./late-fee-policy-fields";

interface PolicyView {
  enabled: boolean;
  kind: "percent" | "fixed";
  rateBps: number | null;
  fixedAmount: number | null;
  graceDays: number;
  capPerInvoice: number | null;
  capPerAccount: number | null;
}

export interface AccountLateFeesView {
  allowed: boolean;
  own: PolicyView | null;
  fallback: PolicyView | null;
  canEdit: boolean;
  values: AccountLateFeesFormValues;
}

/** "1.5 % a month after 15 days, at most USD 100.00 an invoice" */
export function describePolicy(p: PolicyView): string {
  const fee = p.kind === "percent" ? `${(p.rateBps ?? 0) / 100} % of the undisputed overdue balance` : `${formatMoney(p.fixedAmount ?? 0, "USD")}`;
  const caps = [p.capPerInvoice !== null ? `at most ${formatMoney(p.capPerInvoice, "USD")} an invoice` : null, p.capPerAccount !== null ? `at most ${formatMoney(p.capPerAccount, "USD")} unpaid in all` : null].filter(Boolean);
  return `${fee} a month after ${p.graceDays} days' grace${caps.length ? `, ${caps.join(", ")}` : ""}`;
}

/** The late-fees section of a customer's admin page: the contract flag and the policy that applies. */
export function AccountLateFees({ view, actionData, busy }: { view: AccountLateFeesView; actionData: SubmissionResult<string[]> | undefined; busy: boolean }) {
  const sent = actionData?.initialValue as Record<string, unknown> | undefined;
  const [form, fields] = useForm<AccountLateFeesFormValues>({ id: `late-fees-${JSON.stringify(view.values)}`, lastResult: sent?.intent === "late_fees" ? actionData : undefined, defaultValue: view.values, shouldRevalidate: "onSubmit" });
  const applies = view.own ?? view.fallback;
  const inUse = !view.allowed
    ? "No fees: the contract does not allow them."
    : !applies || !applies.enabled
      ? "No fees: no policy is on for this customer."
      : `${view.own ? "Their own policy" : "The default policy"}: ${describePolicy(applies)}.`;
  return (
    <section aria-labelledby="late-fees-heading" className="mt-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" id="late-fees">
      <h3 id="late-fees-heading" className="font-semibold">
        Late fees
      </h3>
      <p className="mt-1 text-sm text-slate-700" data-testid="late-fees-in-use">
        {inUse}
      </p>
      {view.canEdit ? (
        <Form method="post" className="mt-3 space-y-4" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="late_fees" />
          <FormErrors form={form} title="The late fees were not saved." />
          <label className="inline-flex items-center gap-2 text-sm font-medium">
            <input type="checkbox" name={fields.lateFeesAllowed.name} value="on" defaultChecked={fields.lateFeesAllowed.initialValue === "on"} className="size-5" />
            The contract allows late fees
          </label>
          <SelectField
            meta={fields.feePolicy}
            label="Policy"
            options={[
              { value: "default", label: "Use the default policy" },
              { value: "own", label: "A policy of their own (below)" },
            ]}
          />
          <LateFeePolicyFields
            meta={{ kind: fields.feeKind, rate: fields.feeRate, fixedAmount: fields.feeFixedAmount, graceDays: fields.feeGraceDays, capPerInvoice: fields.feeCapPerInvoice, capPerAccount: fields.feeCapPerAccount }}
          />
          <Button type="submit" disabled={busy}>
            Save late fees
          </Button>
        </Form>
      ) : (
        <p className="mt-2 text-sm text-slate-700">Only an AR admin can change late fees.</p>
      )}
    </section>
  );
}
