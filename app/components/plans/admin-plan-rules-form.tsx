import { Form } from "@remix-run/react";
import { planFrequencies, type PlanPolicyRules } from "#db/schema/plan-values";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field } from "~/components/ui/field";
import type { PlanRulesFormValues } from "~/modules/admin/plan-rules-form.server";
import { frequencyLabels } from "~/modules/plans/schedule";

type Problems = Partial<Record<keyof PlanPolicyRules, string>>;

/** The order fields appear in, for the error summary at the top. */
const fieldOrder: Array<{ key: keyof PlanPolicyRules; id: string; label: string }> = [
  { key: "enabled", id: "rules-enabled", label: "Payment plans offered" },
  { key: "minTotal", id: "rules-minTotal", label: "Minimum total" },
  { key: "maxInstallments", id: "rules-maxInstallments", label: "Most installments" },
  { key: "frequencies", id: "rules-frequencies", label: "Allowed frequencies" },
  { key: "downPaymentPercent", id: "rules-downPaymentPercent", label: "Down payment" },
  { key: "maxTermDays", id: "rules-maxTermDays", label: "Longest term" },
  { key: "firstInstallmentWithinDays", id: "rules-firstInstallmentWithinDays", label: "First installment within" },
  { key: "approvalThreshold", id: "rules-approvalThreshold", label: "Approval threshold" },
];

/** The AR team's rules for new payment plans. Every value is typed as text and checked on the server. */
export function AdminPlanRulesForm({ values, problems, currency, busy }: { values: PlanRulesFormValues; problems: Problems | undefined; currency: string; busy: boolean }) {
  const errors = problems ?? {};
  const listed = fieldOrder.filter((f) => errors[f.key]);
  const frequencyError = errors.frequencies;
  const enabledError = errors.enabled;
  return (
    <Form method="post" className="mt-4 space-y-5 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-labelledby="rules-form-heading">
      <h2 id="rules-form-heading" className="text-lg font-semibold">
        Rules for new plans
      </h2>
      {listed.length > 0 ? (
        <Alert tone="error" title="The rules were not saved. Fix these and save again:">
          <ul className="list-disc space-y-1 pl-5">
            {listed.map((f) => (
              <li key={f.key}>
                <a href={`#${f.id}`} className="underline">
                  {f.label}
                </a>
                : {errors[f.key]}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <div>
        <div className="flex min-h-10 items-center gap-2">
          <input
            id="rules-enabled"
            name="enabled"
            type="checkbox"
            defaultChecked={values.enabled}
            aria-describedby={["rules-enabled-hint", enabledError ? "rules-enabled-error" : null].filter(Boolean).join(" ")}
            aria-invalid={enabledError ? true : undefined}
            className="h-5 w-5"
          />
          <label htmlFor="rules-enabled" className="text-sm font-medium text-slate-800">
            Offer payment plans to payers
          </label>
        </div>
        <p id="rules-enabled-hint" className="text-sm text-slate-600">
          When off, payers cannot set up new plans. Plans already running carry on.
        </p>
        {enabledError ? (
          <p id="rules-enabled-error" className="mt-1 text-sm text-red-800">
            {enabledError}
          </p>
        ) : null}
      </div>

      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          id="rules-minTotal"
          name="minTotal"
          label={`Minimum total (${currency})`}
          hint="The smallest balance that may go on a plan, in dollars, like 100.00."
          inputMode="decimal"
          autoComplete="off"
          defaultValue={values.minTotal}
          error={errors.minTotal}
        />
        <Field
          id="rules-maxInstallments"
          name="maxInstallments"
          label="Most installments"
          hint="Between 2 and 60, not counting a down payment."
          inputMode="numeric"
          autoComplete="off"
          defaultValue={values.maxInstallments}
          error={errors.maxInstallments}
        />
      </div>

      <fieldset id="rules-frequencies" tabIndex={-1} aria-describedby={frequencyError ? "rules-frequencies-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Allowed frequencies</legend>
        <div className="mt-1 flex flex-wrap gap-x-6 gap-y-1">
          {planFrequencies.map((f) => (
            <div key={f} className="flex min-h-10 items-center gap-2">
              <input id={`rules-frequency-${f}`} name="frequencies" type="checkbox" value={f} defaultChecked={values.frequencies.includes(f)} className="h-5 w-5" />
              <label htmlFor={`rules-frequency-${f}`} className="text-sm">
                {frequencyLabels[f]}
              </label>
            </div>
          ))}
        </div>
        {frequencyError ? (
          <p id="rules-frequencies-error" className="mt-1 text-sm text-red-800">
            {frequencyError}
          </p>
        ) : null}
      </fieldset>

      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          id="rules-downPaymentPercent"
          name="downPaymentPercent"
          label="Down payment (% of the total)"
          hint="Charged when the plan starts; 0 for none, at most 90."
          inputMode="numeric"
          autoComplete="off"
          defaultValue={values.downPaymentPercent}
          error={errors.downPaymentPercent}
        />
        <Field
          id="rules-maxTermDays"
          name="maxTermDays"
          label="Longest term (days)"
          hint="The last installment falls at most this many days after enrolment (7 to 1830)."
          inputMode="numeric"
          autoComplete="off"
          defaultValue={values.maxTermDays}
          error={errors.maxTermDays}
        />
        <Field
          id="rules-firstInstallmentWithinDays"
          name="firstInstallmentWithinDays"
          label="First installment within (days)"
          hint="How far ahead the payer may date the first installment; 0 means today (at most 90)."
          inputMode="numeric"
          autoComplete="off"
          defaultValue={values.firstInstallmentWithinDays}
          error={errors.firstInstallmentWithinDays}
        />
        <Field
          id="rules-approvalThreshold"
          name="approvalThreshold"
          label={`Approval threshold (${currency})`}
          hint="Plans with a total above this wait for the AR team to approve them. Leave empty so no plan waits."
          inputMode="decimal"
          autoComplete="off"
          defaultValue={values.approvalThreshold}
          error={errors.approvalThreshold}
        />
      </div>

      <Button type="submit" disabled={busy}>
        Save rules
      </Button>
    </Form>
  );
}
