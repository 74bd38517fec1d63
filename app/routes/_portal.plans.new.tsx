import type { SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { EnrolAgreement } from "~/components/plans/enrol-agreement";
import { EnrolInvoicePicker, IneligibleList } from "~/components/plans/enrol-invoices";
import { EnrolRules } from "~/components/plans/enrol-rules";
import { EnrolScheduleFields } from "~/components/plans/enrol-schedule-fields";
import { EnrolProblemSummary } from "~/components/plans/enrol-summary";
import { Alert } from "~/components/ui/alert";
import { Button, buttonLinkClass } from "~/components/ui/button";
import { env } from "~/env.server";
import { randomToken } from "~/modules/auth/secrets.server";
import { requirePayerActor } from "~/modules/auth/session.server";
import { enrolInPlan } from "~/modules/plans/enrol.server";
import { loadEnrolOptions } from "~/modules/plans/enrol-options.server";
import { agreementKey, enrolValues, invoiceField, isFrequency, previewPlan, typedCount, type EnrolField, type EnrolValues } from "~/modules/plans/enrol-preview";
import { enrolAttemptId, enrolForm } from "~/modules/plans/forms.server";
import { parseForm } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { isProblem } from "~/utils/problem";
import { PROBLEM_STATUS } from "~/utils/problem-response.server";

export const meta: MetaFunction = () => [{ title: "Set up a payment plan · Payment portal" }];

const CHANGED = "Your choices changed since the schedule was shown. Check the schedule, then agree again.";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer } = await requirePayerActor(request, context);
  const options = await loadEnrolOptions({ userId: payer.user.id, accountId: payer.activeAccount.id });
  const wanted = new URL(request.url).searchParams.getAll("invoice").slice(0, 100);
  return json({
    ...options,
    // Invoices ticked on the invoice list (/plans/new?invoice=…), when they can go on a plan.
    preselected: options.invoices.filter((i) => wanted.includes(i.id) && !i.ineligible).map((i) => i.id),
    // A fresh id per form: submitting it twice finds the plan already made.
    attemptId: randomToken(),
    companyName: env().COMPANY_NAME,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const submission = await parseForm(request, enrolForm);
  // Values no form sends (a list of 101 invoices, a 30-character count): refused with what was typed kept.
  if (submission.status !== "success") return json({ intent: "preview" as const, changed: false, result: submission.reply() }, { status: 422 });
  const form = submission.value;
  const values = enrolValues(form);
  // The form's own problem (which invoices go together) and each field's, with what was typed kept.
  const answer = (intent: "preview" | "enrol", problems: { form?: string | null; fields?: Record<string, string> }, status: number, changed = false) => {
    const fieldErrors = Object.fromEntries(Object.entries(problems.fields ?? {}).map(([name, message]) => [name, [message]]));
    return json({ intent, changed, result: submission.reply({ formErrors: problems.form ? [problems.form] : [], fieldErrors }) }, { status });
  };

  if (form.intent === "preview" || form.agreed !== agreementKey(values)) {
    // A preview (no JavaScript), or an agreement to a schedule other than the one shown: show the schedule these values make and ask again.
    const options = await loadEnrolOptions({ userId: payer.user.id, accountId: payer.activeAccount.id });
    const preview = previewPlan(options.rules, options.today, options.invoices, values);
    const changed = form.intent === "enrol";
    return answer(form.intent, { form: preview.selection, fields: preview.fields }, changed ? 400 : 200, changed);
  }
  const attempt = enrolAttemptId.safeParse(form.attemptId);
  if (!attempt.success) return answer("enrol", { form: attempt.error.issues[0]!.message }, 400);
  if (!isFrequency(values.frequency)) return answer("enrol", { fields: { frequency: "Choose how often to pay." } }, 400);

  const result = await enrolInPlan(actor, {
    accountId: payer.activeAccount.id,
    attemptId: attempt.data,
    invoiceIds: values.invoiceIds,
    installmentCount: typedCount(values.installmentCount),
    frequency: values.frequency,
    firstDate: values.firstDate,
  });
  if (isProblem(result)) return answer("enrol", { form: Object.values(result.fields).includes(result.message) ? null : result.message, fields: { ...result.fields } }, PROBLEM_STATUS[result.kind]);
  // Straight on to Stripe to authorize the payment method; without a session (Stripe could not be
  // reached, or a repeated submit) the plan page offers the authorization again.
  throw redirect(result.checkoutUrl ?? `/plans/${result.planId}`);
}

export default function NewPlan() {
  const { rules, today, invoices, preselected, attemptId, companyName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { intent: "preview" | "enrol"; changed: boolean; result: SubmissionResult<string[]> } | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const enrolling = navigation.state === "submitting" && navigation.formData?.get("intent") === "enrol";

  const submitted = actionData ? enrolValues(toEnrolForm(actionData.result.initialValue ?? undefined)) : undefined;
  const [values, setValues] = useState<EnrolValues>(
    () =>
      submitted ?? {
        invoiceIds: preselected,
        installmentCount: String(Math.min(3, rules.maxInstallments)),
        frequency: rules.frequencies.includes("monthly") ? "monthly" : (rules.frequencies[0] ?? "monthly"),
        firstDate: today,
      },
  );
  const setField = (field: EnrolField, value: string) => setValues((v) => ({ ...v, [field]: value }));
  const toggle = (id: string, on: boolean) => setValues((v) => ({ ...v, invoiceIds: on ? [...v.invoiceIds.filter((x) => x !== id), id] : v.invoiceIds.filter((x) => x !== id) }));

  // With JavaScript the schedule follows every change, so the "Preview schedule" button goes.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (actionData && (actionData.changed || Object.values(actionData.result.error ?? {}).some((m) => m?.length))) summaryRef.current?.focus();
  }, [actionData]);

  const preview = previewPlan(rules, today, invoices, values);
  // The server's answer holds only for the values it was given.
  const current = submitted !== undefined && agreementKey(submitted) === agreementKey(values);
  const server = (current ? actionData!.result.error : undefined) ?? {};
  const formError = server[""]?.[0];
  const errorOf = (name: EnrolField) => (preview.chosen > 0 ? preview.fields[name] : undefined) ?? server[name]?.[0];
  const selectionError = preview.selection ?? (preview.chosen === 0 ? formError : undefined);

  const eligible = invoices.filter((i) => !i.ineligible);
  const ineligible = invoices.filter((i) => i.ineligible);
  const ruleCurrency = preview.currency ?? eligible[0]?.currency ?? invoices[0]?.currency ?? "USD";
  const summaryItems = current ? problemLinks(server, actionData!.changed, isFrequency(values.frequency) ? values.frequency : rules.frequencies[0]) : [];
  const chosenText =
    preview.chosen === 0 ? "No invoices chosen yet." : `${preview.chosen} ${preview.chosen === 1 ? "invoice" : "invoices"} chosen, ${formatMoney(preview.total, preview.currency ?? ruleCurrency)} in all.`;

  return (
    <>
      <p className="mb-4">
        <Link to="/plans" className="text-sm text-brand-700 underline">
          ← Payment plans
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Set up a payment plan</h1>
      <p className="mt-1 max-w-prose text-slate-700">
        Pay open invoices in installments, charged automatically to a card{ruleCurrency === "USD" ? " or US bank account" : ""} you authorize. Nothing is charged until you do.
      </p>
      <EnrolRules rules={rules} today={today} currency={ruleCurrency} />

      {!rules.enabled ? (
        <div className="mt-6">
          <Alert title="Payment plans are not offered at the moment">Please contact us to arrange a payment plan.</Alert>
        </div>
      ) : eligible.length === 0 ? (
        <div className="mt-6 space-y-4">
          <Alert title="No invoices can go on a plan right now">
            Only open invoices that are not in dispute, not being paid and not already on a plan can.{" "}
            <Link to="/invoices" className="underline">
              See your invoices
            </Link>
          </Alert>
          <IneligibleList invoices={ineligible} errors={server} />
        </div>
      ) : (
        <Form method="post" className="mt-6 space-y-8" noValidate>
          <input type="hidden" name="attemptId" value={attemptId} />
          <input type="hidden" name="agreed" value={agreementKey(values)} />
          <EnrolProblemSummary
            ref={summaryRef}
            title={actionData?.intent === "enrol" && !actionData.changed ? "The plan could not be set up" : "Check these before you continue"}
            items={summaryItems}
          />

          <section aria-labelledby="invoices-heading">
            <h2 id="invoices-heading" className="text-lg font-semibold">
              1. Choose the invoices
            </h2>
            <EnrolInvoicePicker eligible={eligible} chosenIds={values.invoiceIds} onToggle={toggle} errors={server} summary={chosenText} selectionError={selectionError} />
            {ineligible.length > 0 ? (
              <div className="mt-4">
                <IneligibleList invoices={ineligible} errors={server} />
              </div>
            ) : null}
          </section>

          <section aria-labelledby="schedule-heading" className="space-y-4">
            <h2 id="schedule-heading" className="text-lg font-semibold">
              2. Choose your schedule
            </h2>
            <EnrolScheduleFields rules={rules} today={today} values={values} onChange={setField} errorOf={errorOf} />
            {hydrated ? null : (
              <Button type="submit" name="intent" value="preview" variant="secondary" disabled={busy}>
                Preview schedule
              </Button>
            )}
          </section>

          <section aria-labelledby="check-heading" className="space-y-4">
            <h2 id="check-heading" className="text-lg font-semibold">
              3. Check and agree
            </h2>
            <EnrolAgreement preview={preview} frequency={values.frequency} companyName={companyName} />
            <p className="text-sm text-slate-700">
              Next you authorize a card{preview.currency === "USD" || (!preview.currency && ruleCurrency === "USD") ? " or US bank account" : ""} on Stripe&apos;s secure page. Nothing is
              charged until you do
              {rules.approvalThreshold !== null && preview.total > rules.approvalThreshold ? ", and this plan is reviewed by our team before it starts" : ""}.
            </p>
            <div className="flex flex-wrap gap-3">
              <Button type="submit" name="intent" value="enrol" disabled={busy}>
                {enrolling ? "Setting up your plan…" : "Agree and authorize payment method"}
              </Button>
              <Link to="/plans" className={buttonLinkClass}>
                Cancel
              </Link>
            </div>
          </section>
        </Form>
      )}
    </>
  );
}

/** The submitted values as the form sent them (Conform's `initialValue`). */
function toEnrolForm(initial: Record<string, unknown> | undefined) {
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const list = initial?.invoice;
  return {
    invoice: Array.isArray(list) ? list.filter((v): v is string => typeof v === "string") : typeof list === "string" ? [list] : [],
    installmentCount: text(initial?.installmentCount),
    frequency: text(initial?.frequency),
    firstDate: text(initial?.firstDate),
  };
}

/** The server's problems in the order of the form, each linking to its field. */
function problemLinks(errors: Record<string, string[] | null | undefined>, changed: boolean, frequency: string | undefined) {
  const items: Array<{ href: string; text: string }> = [];
  const first = (name: string) => errors[name]?.[0];
  if (changed) items.push({ href: "#check-heading", text: CHANGED });
  const formError = first("");
  if (formError) items.push({ href: "#invoices", text: formError });
  for (const [name, messages] of Object.entries(errors)) {
    if (name.startsWith(invoiceField("")) && messages?.[0]) items.push({ href: `#invoice-${name.slice(invoiceField("").length)}`, text: messages[0] });
  }
  if (first("installmentCount")) items.push({ href: "#installmentCount", text: first("installmentCount")! });
  if (first("frequency")) items.push({ href: `#frequency-${frequency}`, text: first("frequency")! });
  if (first("firstDate")) items.push({ href: "#firstDate", text: first("firstDate")! });
  return items;
}
