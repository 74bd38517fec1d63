import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { planFrequencies, type PlanPolicyRules } from "#db/schema/plan-values";
import { FieldErrors, TextField } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import type { PlanRulesFormValues } from "~/modules/plans/plan-rules-form";
import { frequencyLabels } from "~/modules/plans/schedule";
import type { PlanActionResult } from "./plan-action-result";

/** The order fields appear in, for the error summary at the top. */
const fieldOrder: Array<{ key: keyof PlanPolicyRules; label: string }> = [
  { key: "enabled", label: "Payment plans offered" },
  { key: "minTotal", label: "Minimum total" },
  { key: "maxInstallments", label: "Most installments" },
  { key: "frequencies", label: "Allowed frequencies" },
  { key: "downPaymentPercent", label: "Down payment" },
  { key: "maxTermDays", label: "Longest term" },
  { key: "firstInstallmentWithinDays", label: "First installment within" },
  { key: "approvalThreshold", label: "Approval threshold" },
];

/** The AR team's rules for new payment plans. Every value is typed as text and checked on the server (plan-rules-form.ts). */
export function AdminPlanRulesForm({ values, lastResult, currency, busy }: { values: PlanRulesFormValues; lastResult: PlanActionResult | undefined; currency: string; busy: boolean }) {
  const [form, fields] = useForm({ id: "rules", lastResult, defaultValue: values });
  const listed = fieldOrder.filter((f) => fields[f.key].errors?.length);
  const enabled = fields.enabled;
  const frequencies = fields.frequencies;
  const chosen = frequencies.initialValue;
  const chosenList = Array.isArray(chosen) ? chosen : typeof chosen === "string" ? [chosen] : [];
  return (
    <Form method="post" {...getFormProps(form)} className="mt-4 space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-labelledby="rules-form-heading">
      <h2 id="rules-form-heading" className="text-lg font-semibold">
        Rules for new plans
      </h2>
      {listed.length > 0 ? (
        <Alert tone="error" title="The rules were not saved. Fix these and save again:">
          <ul className="list-disc space-y-1 pl-5">
            {listed.map((f) => (
              <li key={f.key}>
                <a href={`#${fields[f.key].id}`} className="underline">
                  {f.label}
                </a>
                : {fields[f.key].errors!.join(" ")}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <div>
        <div className="flex min-h-10 items-center gap-2">
          <input
            {...getInputProps(enabled, { type: "checkbox", ariaAttributes: false })}
            aria-describedby={[enabled.descriptionId, enabled.errors?.length ? enabled.errorId : null].filter(Boolean).join(" ")}
            aria-invalid={enabled.errors?.length ? true : undefined}
            className="h-5 w-5"
          />
          <label htmlFor={enabled.id} className="text-sm font-medium text-slate-800">
            Offer payment plans to payers
          </label>
        </div>
        <p id={enabled.descriptionId} className="text-sm text-slate-600">
          When off, payers cannot set up new plans. Plans already running carry on.
        </p>
        <FieldErrors meta={enabled} />
      </div>

      <div className="grid gap-5 sm:grid-cols-2">
        <TextField meta={fields.minTotal} label={`Minimum total (${currency})`} hint="The smallest balance that may go on a plan, in dollars, like 100.00." inputMode="decimal" autoComplete="off" />
        <TextField meta={fields.maxInstallments} label="Most installments" hint="Between 2 and 60, not counting a down payment." inputMode="numeric" autoComplete="off" />
      </div>

      <fieldset id={frequencies.id} tabIndex={-1} aria-describedby={frequencies.errors?.length ? frequencies.errorId : undefined}>
        <legend className="text-sm font-medium text-slate-800">Allowed frequencies</legend>
        <div className="mt-1 flex flex-wrap gap-x-6 gap-y-1">
          {planFrequencies.map((f) => (
            <div key={f} className="flex min-h-10 items-center gap-2">
              <input id={`rules-frequency-${f}`} name={frequencies.name} type="checkbox" value={f} defaultChecked={chosenList.includes(f)} className="h-5 w-5" />
              <label htmlFor={`rules-frequency-${f}`} className="text-sm">
                {frequencyLabels[f]}
              </label>
            </div>
          ))}
        </div>
        <FieldErrors meta={frequencies} />
      </fieldset>

      <div className="grid gap-5 sm:grid-cols-2">
        <TextField meta={fields.downPaymentPercent} label="Down payment (% of the total)" hint="Charged when the plan starts; 0 for none, at most 90." inputMode="numeric" autoComplete="off" />
        <TextField
          meta={fields.maxTermDays}
          label="Longest term (days)"
          hint="The last installment falls at most this many days after enrolment (7 to 1830)."
          inputMode="numeric"
          autoComplete="off"
        />
        <TextField
          meta={fields.firstInstallmentWithinDays}
          label="First installment within (days)"
          hint="How far ahead the payer may date the first installment; 0 means today (at most 90)."
          inputMode="numeric"
          autoComplete="off"
        />
        <TextField
          meta={fields.approvalThreshold}
          label={`Approval threshold (${currency})`}
          hint="Plans with a total above this wait for the AR team to approve them. Leave empty so no plan waits."
          inputMode="decimal"
          autoComplete="off"
        />
      </div>

      <Button type="submit" disabled={busy}>
        Save rules
      </Button>
    </Form>
  );
}
