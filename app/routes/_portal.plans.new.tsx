import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { ScheduleTable } from "~/components/plans/schedule-table";
import { Alert } from "~/components/ui/alert";
import { Button, buttonLinkClass } from "~/components/ui/button";
import { env } from "~/env.server";
import { randomToken } from "~/modules/auth/secrets.server";
import { requirePayer } from "~/modules/auth/session.server";
import { selectionIneligibility } from "~/modules/plans/eligibility";
import type { EnrolProblems } from "~/modules/plans/enrol.server";
import { enrolInPlan } from "~/modules/plans/enrol.server";
import { loadEnrolOptions } from "~/modules/plans/enrol-options.server";
import { buildSchedule, downPaymentFor, frequencyLabels, scheduleProblems, type ScheduledInstallment } from "~/modules/plans/schedule";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { clientOf } from "~/utils/request.server";
import { readForm } from "~/utils/read-form.server";

export const meta: MetaFunction = () => [{ title: "Set up a payment plan · Payment portal" }];

type Options = Awaited<ReturnType<typeof loadEnrolOptions>>;
type Rules = Options["rules"];
type Frequency = keyof typeof frequencyLabels;
type Candidate = Pick<Options["invoices"][number], "id" | "number" | "currency" | "balance" | "ineligible">;

/** The form as entered, kept as text so a re-rendered form shows exactly what was typed. */
interface EnrolValues {
  invoiceIds: string[];
  installmentCount: string;
  frequency: string;
  firstDate: string;
}

type FieldProblems = Partial<Record<"installmentCount" | "frequency" | "firstDate", string>>;

interface Preview {
  /** The chosen invoices that can go on a plan. */
  chosen: number;
  currency: string | null;
  total: number;
  downPayment: number;
  /** Empty until the selection and the schedule fit the rules. */
  schedule: ScheduledInstallment[];
  /** Why the chosen invoices cannot go on a plan together (minimum total, mixed currencies…). */
  selection: string | null;
  fields: FieldProblems;
}

const isFrequency = (value: string): value is Frequency => Object.hasOwn(frequencyLabels, value);

/**
 * The schedule the form's values make, with the same pure rules the server applies when
 * enrolling: computed live in the browser and, for the no-JavaScript "Preview schedule", in the action.
 */
function previewPlan(rules: Rules, today: string, invoices: Candidate[], values: EnrolValues): Preview {
  const chosen = invoices.filter((i) => !i.ineligible && values.invoiceIds.includes(i.id));
  const total = chosen.reduce((s, i) => s + i.balance, 0);
  const currency = chosen[0]?.currency ?? null;
  const empty: Preview = { chosen: chosen.length, currency, total, downPayment: 0, schedule: [], selection: null, fields: {} };
  if (chosen.length === 0) return empty;
  const selection = selectionIneligibility(rules, chosen);
  const installmentCount = /^\d{1,3}$/.test(values.installmentCount) ? Number(values.installmentCount) : Number.NaN;
  // An unknown frequency is reported by scheduleProblems ("Choose weekly, monthly…").
  const frequency = values.frequency as Frequency;
  const fields = scheduleProblems(rules, { total, installmentCount, frequency, firstDate: values.firstDate, today });
  if (selection || Object.keys(fields).length > 0 || !isFrequency(values.frequency)) return { ...empty, selection, fields };
  const downPayment = downPaymentFor(total, rules.downPaymentPercent);
  const schedule = buildSchedule({ total, installmentCount, frequency, firstDate: values.firstDate, downPayment, today });
  return { ...empty, downPayment, schedule };
}

/** What the payer agreed to: the values the schedule they saw was made from. */
function agreementKey(values: EnrolValues): string {
  return [[...values.invoiceIds].sort().join(","), values.installmentCount, values.frequency, values.firstDate].join("|");
}

function readValues(form: FormData): EnrolValues {
  return {
    invoiceIds: [...new Set(form.getAll("invoice").map(String))].slice(0, 100),
    installmentCount: String(form.get("installmentCount") ?? "").trim().slice(0, 10),
    frequency: String(form.get("frequency") ?? "").slice(0, 20),
    firstDate: String(form.get("firstDate") ?? "").trim().slice(0, 20),
  };
}

function previewProblems(preview: Preview): EnrolProblems {
  return { ...(preview.selection ? { form: preview.selection } : {}), ...preview.fields };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
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
  const payer = await requirePayer(request);
  const form = await readForm(request);
  const values = readValues(form);
  const intent = form.get("intent") === "enrol" ? "enrol" : "preview";
  const attemptId = String(form.get("attemptId") ?? "");

  if (intent === "preview" || form.get("agreed") !== agreementKey(values)) {
    // A preview (no JavaScript), or an agreement to a schedule other than the one shown: show
    // the schedule these values make and ask again.
    const options = await loadEnrolOptions({ userId: payer.user.id, accountId: payer.activeAccount.id });
    const preview = previewPlan(options.rules, options.today, options.invoices, values);
    return json({ intent, values, problems: previewProblems(preview), changed: intent === "enrol", schedule: preview.schedule }, { status: intent === "enrol" ? 400 : 200 });
  }
  if (!/^[\w-]{16,64}$/.test(attemptId)) {
    return json({ intent, values, problems: { form: "This form has expired. Reload the page and try again." } as EnrolProblems, changed: false, schedule: [] }, { status: 400 });
  }
  if (!isFrequency(values.frequency)) {
    return json({ intent, values, problems: { frequency: "Choose how often to pay." } as EnrolProblems, changed: false, schedule: [] }, { status: 400 });
  }

  const result = await enrolInPlan({
    payer: { userId: payer.user.id, ip: clientOf(request, context).ip },
    accountId: payer.activeAccount.id,
    attemptId,
    invoiceIds: values.invoiceIds,
    installmentCount: /^\d{1,3}$/.test(values.installmentCount) ? Number(values.installmentCount) : Number.NaN,
    frequency: values.frequency,
    firstDate: values.firstDate,
  });
  // Straight on to Stripe to authorize the payment method; without a session (Stripe could not be
  // reached, or a repeated submit) the plan page offers the authorization again.
  if (result.ok) throw redirect(result.checkoutUrl ?? `/plans/${result.planId}`);
  return json({ intent, values, problems: result.problems, changed: false, schedule: [] as ScheduledInstallment[] }, { status: 400 });
}

const fieldErrorClass = "mt-1 text-sm text-red-800";
const inputClass = "mt-1 block w-full max-w-xs rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700";

function listText(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

export default function NewPlan() {
  const { rules, today, invoices, preselected, attemptId, companyName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const enrolling = navigation.state === "submitting" && navigation.formData?.get("intent") === "enrol";

  const defaultCount = Math.min(3, rules.maxInstallments);
  const defaultFrequency = rules.frequencies.includes("monthly") ? "monthly" : (rules.frequencies[0] ?? "monthly");
  const submitted = actionData?.values;
  const [invoiceIds, setInvoiceIds] = useState<string[]>(submitted?.invoiceIds ?? preselected);
  const [installmentCount, setInstallmentCount] = useState(submitted?.installmentCount ?? String(defaultCount));
  const [frequency, setFrequency] = useState(submitted?.frequency ?? defaultFrequency);
  const [firstDate, setFirstDate] = useState(submitted?.firstDate ?? today);
  const values: EnrolValues = { invoiceIds, installmentCount, frequency, firstDate };

  // With JavaScript the schedule follows every change, so the "Preview schedule" button goes.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (actionData && (actionData.changed || Object.keys(actionData.problems).length > 0)) summaryRef.current?.focus();
  }, [actionData]);

  const preview = previewPlan(rules, today, invoices, values);
  // The server's answer holds only for the values it was given.
  const current = submitted !== undefined && agreementKey(submitted) === agreementKey(values);
  const server: EnrolProblems = current ? actionData!.problems : {};
  const fieldError = (name: keyof FieldProblems) => (preview.chosen > 0 ? preview.fields[name] : undefined) ?? server[name];
  const selectionError = preview.selection ?? (preview.chosen === 0 ? server.form : undefined);

  const eligible = invoices.filter((i) => !i.ineligible);
  const ineligible = invoices.filter((i) => i.ineligible);
  const ruleCurrency = preview.currency ?? eligible[0]?.currency ?? invoices[0]?.currency ?? "USD";
  const lastFirstDate = addDays(today, rules.firstInstallmentWithinDays);
  const frequencyWords = listText(rules.frequencies.map((f) => frequencyLabels[f].toLowerCase()));
  const countOptions = Array.from({ length: Math.max(0, rules.maxInstallments - 1) }, (_, i) => String(i + 2));
  // A value from outside the list (a changed form) stays visible, with its error.
  if (installmentCount && !countOptions.includes(installmentCount)) countOptions.push(installmentCount);

  const summaryItems: Array<{ href: string; text: string }> = [];
  if (current) {
    if (actionData?.changed) summaryItems.push({ href: "#check-heading", text: "Your choices changed since the schedule was shown. Check the schedule, then agree again." });
    if (server.form) summaryItems.push({ href: "#invoices", text: server.form });
    for (const [id, text] of Object.entries(server.invoices ?? {})) summaryItems.push({ href: `#invoice-${id}`, text });
    if (server.installmentCount) summaryItems.push({ href: "#installmentCount", text: server.installmentCount });
    if (server.frequency) summaryItems.push({ href: `#frequency-${isFrequency(frequency) ? frequency : rules.frequencies[0]}`, text: server.frequency });
    if (server.firstDate) summaryItems.push({ href: "#firstDate", text: server.firstDate });
  }

  const toggle = (id: string, on: boolean) => setInvoiceIds((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  const money = (minor: number) => formatMoney(minor, preview.currency ?? ruleCurrency);
  const installments = preview.schedule.filter((s) => s.sequence > 0);
  const lastDate = installments[installments.length - 1]?.dueDate;

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

      <section aria-labelledby="rules-heading" className="mt-4 max-w-prose rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="rules-heading" className="font-semibold">
          How payment plans work
        </h2>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-800">
          <li>
            Pay in 2 to {rules.maxInstallments} installments, {frequencyWords}.
          </li>
          <li>
            The first installment falls within {rules.firstInstallmentWithinDays} days (by {formatDate(lastFirstDate)}), and the last within {rules.maxTermDays} days of today.
          </li>
          <li>Plans start at {formatMoney(rules.minTotal, ruleCurrency)}. Invoices in dispute, or with a payment under way, cannot go on a plan.</li>
          {rules.downPaymentPercent > 0 ? (
            <li>A down payment of {rules.downPaymentPercent}% of the total is charged as soon as the plan starts; the rest is split into the installments.</li>
          ) : null}
          {rules.approvalThreshold !== null ? (
            <li>Plans above {formatMoney(rules.approvalThreshold, ruleCurrency)} are reviewed by our team before they start; nothing is charged until they are approved.</li>
          ) : null}
          <li>Each installment is charged automatically on its date. If a charge fails we try again, and you can pay any installment early or pay off the rest at any time.</li>
        </ul>
      </section>

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
          <IneligibleList invoices={ineligible} errors={server.invoices} />
        </div>
      ) : (
        <Form method="post" className="mt-6 space-y-8" noValidate>
          <input type="hidden" name="attemptId" value={attemptId} />
          <input type="hidden" name="agreed" value={agreementKey(values)} />

          {summaryItems.length > 0 ? (
            <div ref={summaryRef} tabIndex={-1} role="alert" aria-labelledby="problem-summary-title" className="rounded-md border border-red-300 bg-red-50 p-4 text-red-950">
              <p id="problem-summary-title" className="font-semibold">
                {actionData?.intent === "enrol" && !actionData.changed ? "The plan could not be set up" : "Check these before you continue"}
              </p>
              <ul className="mt-1 list-disc pl-5">
                {summaryItems.map((item) => (
                  <li key={item.href + item.text}>
                    <a href={item.href} className="underline">
                      {item.text}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          <section aria-labelledby="invoices-heading">
            <h2 id="invoices-heading" className="text-lg font-semibold">
              1. Choose the invoices
            </h2>
            <fieldset id="invoices" tabIndex={-1} aria-describedby={selectionError ? "invoices-error" : undefined} className="mt-2">
              <legend className="sr-only">Invoices to put on the plan</legend>
              <ul className="divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
                {eligible.map((inv) => {
                  const error = server.invoices?.[inv.id];
                  return (
                    <li key={inv.id} className="flex items-start gap-3 px-3 py-2">
                      <input
                        type="checkbox"
                        id={`invoice-${inv.id}`}
                        name="invoice"
                        value={inv.id}
                        checked={invoiceIds.includes(inv.id)}
                        onChange={(e) => toggle(inv.id, e.target.checked)}
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
                {preview.chosen === 0
                  ? "No invoices chosen yet."
                  : `${preview.chosen} ${preview.chosen === 1 ? "invoice" : "invoices"} chosen, ${formatMoney(preview.total, preview.currency ?? ruleCurrency)} in all.`}
              </p>
              {selectionError ? (
                <p id="invoices-error" className={fieldErrorClass}>
                  {selectionError}
                </p>
              ) : null}
            </fieldset>
            {ineligible.length > 0 ? (
              <div className="mt-4">
                <IneligibleList invoices={ineligible} errors={server.invoices} />
              </div>
            ) : null}
          </section>

          <section aria-labelledby="schedule-heading" className="space-y-4">
            <h2 id="schedule-heading" className="text-lg font-semibold">
              2. Choose your schedule
            </h2>
            <div>
              <label htmlFor="installmentCount" className="block text-sm font-medium text-slate-800">
                Number of installments
              </label>
              {rules.downPaymentPercent > 0 ? (
                <p id="installmentCount-hint" className="text-sm text-slate-600">
                  Besides the down payment of {rules.downPaymentPercent}%.
                </p>
              ) : null}
              <select
                id="installmentCount"
                name="installmentCount"
                value={installmentCount}
                onChange={(e) => setInstallmentCount(e.target.value)}
                aria-invalid={fieldError("installmentCount") ? true : undefined}
                aria-describedby={
                  [rules.downPaymentPercent > 0 ? "installmentCount-hint" : null, fieldError("installmentCount") ? "installmentCount-error" : null].filter(Boolean).join(" ") ||
                  undefined
                }
                className={inputClass}
              >
                {countOptions.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
              {fieldError("installmentCount") ? (
                <p id="installmentCount-error" className={fieldErrorClass}>
                  {fieldError("installmentCount")}
                </p>
              ) : null}
            </div>

            <fieldset aria-describedby={fieldError("frequency") ? "frequency-error" : undefined}>
              <legend className="text-sm font-medium text-slate-800">How often</legend>
              <div className="mt-1 flex flex-wrap gap-x-6 gap-y-2">
                {rules.frequencies.map((f) => (
                  <div key={f} className="flex items-center gap-2">
                    <input
                      type="radio"
                      id={`frequency-${f}`}
                      name="frequency"
                      value={f}
                      checked={frequency === f}
                      onChange={() => setFrequency(f)}
                      aria-invalid={fieldError("frequency") ? true : undefined}
                      className="h-4 w-4"
                    />
                    <label htmlFor={`frequency-${f}`}>{frequencyLabels[f]}</label>
                  </div>
                ))}
              </div>
              {fieldError("frequency") ? (
                <p id="frequency-error" className={fieldErrorClass}>
                  {fieldError("frequency")}
                </p>
              ) : null}
            </fieldset>

            <div>
              <label htmlFor="firstDate" className="block text-sm font-medium text-slate-800">
                Date of the first installment
              </label>
              <p id="firstDate-hint" className="text-sm text-slate-600">
                {rules.firstInstallmentWithinDays === 0
                  ? `Today, ${formatDate(today)}.`
                  : `Between today, ${formatDate(today)}, and ${formatDate(lastFirstDate)}.`}
              </p>
              <input
                type="date"
                id="firstDate"
                name="firstDate"
                value={firstDate}
                min={today}
                max={lastFirstDate}
                onChange={(e) => setFirstDate(e.target.value)}
                aria-invalid={fieldError("firstDate") ? true : undefined}
                aria-describedby={`firstDate-hint${fieldError("firstDate") ? " firstDate-error" : ""}`}
                className={inputClass}
              />
              {fieldError("firstDate") ? (
                <p id="firstDate-error" className={fieldErrorClass}>
                  {fieldError("firstDate")}
                </p>
              ) : null}
            </div>

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
            <p className="text-sm text-slate-800" aria-live="polite">
              {preview.schedule.length === 0
                ? preview.chosen === 0
                  ? "Choose one or more invoices to see your schedule."
                  : "Fix the problems above to see your schedule."
                : `${preview.downPayment > 0 ? `A down payment of ${money(preview.downPayment)} when the plan starts, then ` : ""}${installments.length} ${frequencyLabels[frequency as Frequency].toLowerCase()} installments from ${formatDate(installments[0]!.dueDate)} to ${formatDate(lastDate!)}: ${money(preview.total)} in all.`}
            </p>
            {preview.schedule.length > 0 && preview.currency ? (
              <>
                <ScheduleTable caption="Your schedule" rows={preview.schedule} currency={preview.currency} />
                {preview.currency === "USD" ? (
                  <div className="rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
                    <h3 className="font-semibold">If you pay by bank account</h3>
                    <p className="mt-1">
                      If you choose a US bank account, you authorize {companyName} to debit it for the installments above, on or after each date shown, in the amounts shown (recurring
                      debits). If a debit fails we may retry it. You can revoke this authorization at any time by contacting us or replacing the payment method; revoking does not
                      affect debits already initiated.
                    </p>
                    <p className="mt-2">The debits you authorize:</p>
                    <ul className="mt-1 list-disc pl-5 tabular-nums">
                      {preview.schedule.map((s) => (
                        <li key={s.sequence}>
                          {money(s.amount)} on or after {formatDate(s.dueDate)}
                          {s.sequence === 0 ? " (down payment, charged when the plan starts)" : ` (installment ${s.sequence} of ${installments.length})`}
                        </li>
                      ))}
                    </ul>
                    <p className="mt-2">Total: {money(preview.total)}.</p>
                  </div>
                ) : (
                  <p className="text-sm text-slate-800">The installments above are charged to the card you authorize, on each date shown.</p>
                )}
              </>
            ) : null}
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

/** The open invoices that cannot go on a plan, each with the reason in words. */
function IneligibleList({ invoices, errors }: { invoices: Array<Options["invoices"][number]>; errors?: Record<string, string> }) {
  if (invoices.length === 0) return null;
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">These invoices cannot go on a plan</legend>
      <ul className="mt-1 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200">
        {invoices.map((inv) => (
          <li key={inv.id} className="flex items-start gap-3 px-3 py-2">
            <input
              type="checkbox"
              id={`invoice-${inv.id}`}
              value={inv.id}
              disabled
              aria-describedby={`invoice-${inv.id}-reason`}
              className="mt-1 h-4 w-4 shrink-0"
            />
            <div className="min-w-0 flex-1">
              <label htmlFor={`invoice-${inv.id}`} className="font-medium text-slate-700">
                {inv.number} · {formatMoney(inv.balance, inv.currency)} · due {formatDate(inv.dueDate)}
              </label>
              <p id={`invoice-${inv.id}-reason`} className="text-sm text-slate-700">
                {errors?.[inv.id] ?? inv.ineligible}{" "}
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
