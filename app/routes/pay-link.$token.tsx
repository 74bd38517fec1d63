import type { SubmissionResult } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState, type InputHTMLAttributes, type ReactNode } from "react";
import { CompanyMark } from "~/components/auth-shell";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { randomToken } from "~/modules/auth/secrets.server";
import { brand, type Brand } from "~/modules/brand/company.server";
import { openPayLink } from "~/modules/collections/open-pay-link.server";
import { payLinkAccess, type PayLinkRefusal } from "~/modules/collections/pay-link-access.server";
import { payLinkCancelSchema, payLinkPaySchema, payLinkPromiseSchema } from "~/modules/collections/pay-link-forms.server";
import { payByLink } from "~/modules/collections/pay-link-pay.server";
import { STALE_QUOTE } from "~/modules/payments/start-payment.server";
import { payLinkPayment, type PayLinkPaymentView } from "~/modules/collections/pay-link-payment.server";
import { payLinkCurrency, promiseByLink } from "~/modules/collections/pay-link-promise.server";
import { cancelPayment } from "~/modules/payments/cancel-payment.server";
import { formatDate } from "~/utils/dates";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { formatMoney } from "~/utils/money";
import { invalid, isProblem, type Problem } from "~/utils/problem";
import { problemJson } from "~/utils/problem-response.server";
import { readForm } from "~/utils/read-form.server";
import { clientOf } from "~/utils/request.server";
import { redirectWithToast } from "~/utils/toast.server";
import { useRevalidateWhile } from "~/utils/use-revalidate-while";

/**
 * The public pay page of a reminder's pay link: opens without signing in, shows and pays exactly
 * the link's invoices (pay-link-access.server.ts decides whether the link works; the `pay_link`
 * Actor scopes every read and write). No portal chrome: the company's name and logo, the
 * invoices, pay, promise. Nothing else of the account — no other invoices, contacts, saved
 * payment methods or history; those are for who signs in.
 *
 * The forms are validated on the server with their zod schemas (Conform's parseWithZod, as
 * everywhere); the page reads the submission's errors and typed values itself instead of
 * shipping Conform's client (about 10 kB gzip): a public page opened from an email on a phone.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Pay ${data?.brand.companyName ?? "your invoices"} · Payment portal` },
  // A capability URL: never indexed (and Referrer-Policy: no-referrer keeps it out of other sites' logs).
  { name: "robots", content: "noindex, nofollow" },
];

const REFUSAL_TITLES: Record<PayLinkRefusal | "rate_limited", string> = {
  invalid: "This payment link is not valid",
  expired: "This payment link has expired",
  revoked: "This payment link was withdrawn",
  paid: "These invoices are already paid",
  rate_limited: "Too many requests",
};

/** A link that does not open: its own page (404 unknown/tampered, 410 Gone, 429 with Retry-After), with the way to sign in. */
function refusal(problem: Problem) {
  const code: PayLinkRefusal | "rate_limited" = problem.kind === "rate_limited" ? "rate_limited" : ((problem.code as PayLinkRefusal | undefined) ?? "invalid");
  const status = code === "invalid" ? 404 : code === "rate_limited" ? 429 : 410;
  const headers: HeadersInit = problem.retryAfterSeconds ? { "Retry-After": String(problem.retryAfterSeconds) } : {};
  return json({ refused: { code, title: REFUSAL_TITLES[code], message: problem.message }, brand: brand() } as const, { status, headers });
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const paymentId = url.searchParams.get("payment");
  const { ip } = clientOf(request, context);
  const page = await openPayLink(params.token ?? "", ip, { returning: Boolean(paymentId) });
  if (isProblem(page)) return refusal(page);
  const { actor, ...view } = page;
  const payment = paymentId ? await payLinkPayment(actor, { paymentId, cancelToken: url.searchParams.get("canceled") }) : null;
  // A fresh id per form: submitting it twice finds the payment already made.
  return json({ refused: null, brand: brand(), ...view, payment, attemptId: randomToken() });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const token = params.token ?? "";
  const access = await payLinkAccess(token, clientOf(request, context).ip);
  if (isProblem(access)) return access.kind === "conflict" ? gone(access) : problemJson(access);
  const { actor } = access;
  const intent = form.get("intent");
  const here = `/pay-link/${encodeURIComponent(token)}`;

  if (intent === "pay") {
    const submission = parseFormData(form, payLinkPaySchema());
    if (submission.status !== "success") return invalidReply(submission);
    const started = await payByLink(actor, { attemptId: submission.value.attemptId, invoiceIds: submission.value.invoice, quoteBasis: submission.value.quoteBasis ?? null });
    // The page showed amounts that changed (a discount ended at midnight, a balance moved): reload it with today's, saying why.
    if (isProblem(started) && started.code === STALE_QUOTE) return redirectWithToast(here, started.message, { tone: "info" });
    if (isProblem(started)) return replyWithProblem(submission, started);
    throw redirect(started.checkoutUrl);
  }
  if (intent === "promise") {
    const submission = parseFormData(form, payLinkPromiseSchema(await payLinkCurrency(actor)));
    if (submission.status !== "success") return invalidReply(submission);
    const promised = await promiseByLink(actor, submission.value);
    if (isProblem(promised)) return replyWithProblem(submission, promised);
    return redirectWithToast(here, `Thank you. We noted your promise to pay ${formatMoney(submission.value.amount, await payLinkCurrency(actor))} by ${formatDate(submission.value.promisedFor)}, and we will hold our reminders until then.`);
  }
  if (intent === "cancel_payment") {
    const submission = parseFormData(form, payLinkCancelSchema());
    if (submission.status !== "success") return problemJson(invalid("Choose the payment to cancel."));
    const canceled = await cancelPayment(actor, { paymentId: submission.value.paymentId });
    if (isProblem(canceled)) return problemJson(canceled);
    return redirectWithToast(here, "The earlier payment was canceled and nothing was charged. The invoices are payable again below.");
  }
  return problemJson(invalid("Use the buttons on this page to pay or to promise a payment."));
}

/** A form sent to a link that stopped working meanwhile (revoked, expired, paid): 410 Gone with the reason. */
function gone(problem: Problem) {
  return json({ problem: { kind: problem.kind, message: problem.message, fields: problem.fields } }, { status: 410 });
}

export default function PayLinkPage() {
  const data = useLoaderData<typeof loader>();
  if (data.refused) {
    return (
      <PayLinkShell brand={data.brand}>
        <h1 className="mt-6 text-2xl font-semibold">{data.refused.title}</h1>
        <p className="mt-3 text-slate-700">{data.refused.message}</p>
        <SignInLink />
      </PayLinkShell>
    );
  }
  return <OpenPayLink key={data.invoices.map((i) => `${i.id}:${i.dueNow}`).join(",")} />;
}

type OpenData = Exclude<ReturnType<typeof useLoaderData<typeof loader>>, { refused: { code: string } }>;
type ActionData = (SubmissionResult<string[]> & { problem?: undefined }) | { problem: { message: string } };

function OpenPayLink() {
  const data = useLoaderData<typeof loader>() as OpenData;
  const { invoices, payment, attemptId } = data;
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const refusedAction = actionData && "problem" in actionData && actionData.problem ? actionData.problem.message : null;
  const result = actionData && !("problem" in actionData && actionData.problem) ? (actionData as SubmissionResult<string[]>) : undefined;
  const typed = (result?.initialValue ?? {}) as Record<string, unknown>;
  const errorsOf = (intent: string, field: string) => (typed.intent === intent ? (result?.error?.[field] ?? []) : []);
  const busy = useNavigation().state !== "idle";
  // Every message of the form's submission above it, but those shown at their own field (amount, date).
  const allErrorsOf = (intent: string, except: string[] = []) =>
    typed.intent === intent ? Object.entries(result?.error ?? {}).flatMap(([field, messages]) => (except.includes(field) ? [] : (messages ?? []))) : [];
  const payErrors = allErrorsOf("pay");
  const promiseErrors = allErrorsOf("promise", ["amount", "promisedFor"]);

  const payable = invoices.filter((i) => i.dueNow > 0);
  const [chosen, setChosen] = useState<string[]>(() => payable.map((i) => i.id));
  const currency = invoices[0]?.currency ?? "USD";
  const money = (m: number) => formatMoney(m, currency);
  const total = payable.filter((i) => chosen.includes(i.id)).reduce((s, i) => s + i.dueNow, 0);
  const allPaid = invoices.every((i) => i.status !== "open" || i.balance <= 0);
  const promisable = invoices.filter((i) => i.status === "open" && i.balance > 0 && !i.onPlan);

  return (
    <PayLinkShell brand={data.brand}>
      <h1 className="mt-6 text-2xl font-semibold">Pay your invoices</h1>
      <p className="mt-1 text-slate-700">
        For <span className="font-medium text-slate-900" data-testid="pay-link-account">{data.accountName}</span>. This link works until {formatDate(data.expiresAt.slice(0, 10))}.
      </p>

      <div className="mt-4 space-y-3">
        {payment ? <PaymentOutcome payment={payment} /> : null}
        {allPaid && !payment ? <Alert tone="success" title="These invoices are paid — thank you">Nothing is left to pay on this link.</Alert> : null}
        {refusedAction ? <Alert tone="error">{refusedAction}</Alert> : null}
      </div>

      <Form method="post" className="mt-6 space-y-4">
        <input type="hidden" name="attemptId" value={attemptId} />
        <input type="hidden" name="quoteBasis" value={data.quoteBasis} />
        {payErrors.length > 0 ? <Alert tone="error">{payErrors.join(" ")}</Alert> : null}
        <fieldset>
          <legend className="text-lg font-semibold">Invoices</legend>
          <ul className="mt-2 divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200" data-testid="pay-link-invoices">
            {invoices.map((inv) => (
              <li key={inv.id} className="flex items-start gap-3 p-3" data-testid={`invoice-${inv.number}`}>
                {inv.dueNow > 0 ? (
                  <input
                    id={`invoice-${inv.id}`}
                    type="checkbox"
                    name="invoice"
                    value={inv.id}
                    checked={chosen.includes(inv.id)}
                    onChange={(e) => setChosen((c) => (e.target.checked ? [...c, inv.id] : c.filter((id) => id !== inv.id)))}
                    className="mt-1 h-5 w-5 shrink-0"
                  />
                ) : (
                  <span className="mt-1 h-5 w-5 shrink-0" aria-hidden="true" />
                )}
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-baseline justify-between gap-x-4">
                    <label htmlFor={inv.dueNow > 0 ? `invoice-${inv.id}` : undefined} className="font-medium">
                      {inv.dueNow > 0 ? `Pay ${inv.number}` : inv.number}
                    </label>
                    <span className="tabular-nums font-semibold">{inv.dueNow > 0 ? money(inv.dueNow) : inv.status === "open" && inv.balance > 0 ? "Nothing due now" : "Paid"}</span>
                  </div>
                  <p className="text-sm text-slate-600">
                    Due {formatDate(inv.dueDate)}
                    {inv.poNumber ? ` · PO ${inv.poNumber}` : ""}
                    {inv.status === "open" && inv.balance !== inv.dueNow && !inv.onPlan ? ` · balance ${money(inv.balance)}` : ""}
                  </p>
                  {inv.feeForNumber ? <p className="text-sm text-slate-600">Late fee on {inv.feeForNumber}</p> : null}
                  {inv.offer ? (
                    <p className="text-sm font-medium text-emerald-800" data-testid={`offer-${inv.number}`}>
                      Pay {money(inv.offer.payInFull)} by {formatDate(inv.offer.until)} and save {money(inv.offer.saves)}
                    </p>
                  ) : null}
                  <InvoiceNotes inv={inv} money={money} />
                </div>
              </li>
            ))}
          </ul>
        </fieldset>
        {payable.length > 0 ? (
          <>
            <p className="text-right text-lg font-semibold" aria-live="polite">
              Total: <span data-testid="pay-link-total">{money(total)}</span>
            </p>
            <p className="text-sm text-slate-700">
              You will enter your card{currency === "USD" ? " or US bank account" : ""} on Stripe&apos;s secure page.
              {currency === "USD"
                ? " A bank account must be verified instantly by signing in to your bank there (no test deposits); bank payments take up to 4 business days to confirm."
                : ""}
            </p>
            <Button type="submit" name="intent" value="pay" className="w-full sm:w-auto" disabled={busy || total === 0}>
              {busy ? "Opening secure payment…" : `Pay ${money(total)}`}
            </Button>
          </>
        ) : null}
      </Form>

      {payment && payment.status === "pending" && payment.checkoutUrl && !busy ? <CancelOpenPayment paymentId={payment.id} /> : null}

      {promisable.length > 0 ? (
        <section className="mt-8 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-labelledby="promise-heading">
          <h2 id="promise-heading" className="text-lg font-semibold">
            Can&apos;t pay today?
          </h2>
          <p className="mt-1 text-sm text-slate-700">Tell us how much you will pay and by when, and we will hold our reminders until then.</p>
          <Form method="post" className="mt-3 space-y-3">
            {promiseErrors.length > 0 ? <Alert tone="error">{promiseErrors.join(" ")}</Alert> : null}
            <div className="grid gap-3 sm:grid-cols-2">
              <PlainField name="amount" label={`Amount (${currency})`} errors={errorsOf("promise", "amount")} defaultValue={typed.intent === "promise" ? String(typed.amount ?? "") : ""} inputMode="decimal" autoComplete="off" />
              <PlainField name="promisedFor" label="I will pay by" type="date" errors={errorsOf("promise", "promisedFor")} defaultValue={typed.intent === "promise" ? String(typed.promisedFor ?? "") : ""} min={data.promiseEarliest} max={data.promiseLatest} />
            </div>
            <Button type="submit" name="intent" value="promise" variant="secondary" disabled={busy}>
              Promise to pay
            </Button>
          </Form>
        </section>
      ) : null}
      <SignInLink />
    </PayLinkShell>
  );
}

/** A labelled input with its errors wired (what fields.tsx does with Conform, without its client). */
function PlainField({ name, label, errors, ...rest }: { name: string; label: string; errors: string[] } & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">) {
  const id = `promise-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={errors.length ? `${id}-error` : undefined}
        className="mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700"
        {...rest}
      />
      {errors.length ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-800">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

function InvoiceNotes({ inv, money }: { inv: OpenData["invoices"][number]; money: (m: number) => string }) {
  const notes: string[] = [];
  if (inv.onPlan) notes.push("On a payment plan: it is paid by the plan's installments (sign in to see the plan).");
  else if (inv.status === "open" && inv.balance > 0) {
    if (inv.amountDisputed > 0) notes.push(`${money(inv.amountDisputed)} is disputed and on hold until the dispute is resolved.`);
    if (inv.amountPending > 0) notes.push(`A payment of ${money(inv.amountPending)} is processing.`);
  }
  if (notes.length === 0) return null;
  return (
    <ul className="mt-1 text-sm text-slate-800">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}

/** The payment just made through this link, back from Checkout: looks again while Stripe confirms or a bank debit settles. */
function PaymentOutcome({ payment }: { payment: PayLinkPaymentView }) {
  const [params] = useSearchParams();
  const returned = params.get("returned") === "1";
  const looks = useRevalidateWhile((returned && payment.status === "pending") || payment.status === "processing");
  const money = (m: number) => formatMoney(m, payment.currency);
  const what = `${money(payment.amount)} for ${payment.allocations.map((a) => a.number).join(", ")}`;
  switch (payment.status) {
    case "succeeded":
      return (
        <Alert tone="success" title="Paid — thank you">
          We received your payment of {what}
          {payment.methodLabel ? ` with ${payment.methodLabel}` : ""}. A receipt is on its way to your billing contacts.
        </Alert>
      );
    case "processing":
      return (
        <Alert title="Bank payment processing">
          Your bank payment of {what} is on its way. It takes up to 4 business days to confirm; until then the invoices show a payment processing.
        </Alert>
      );
    case "failed":
      return (
        <Alert tone="error" title="This payment failed">
          {payment.failureMessage ?? "The payment did not go through."} The invoices are open again: you can pay them below.
        </Alert>
      );
    case "canceled":
      return (
        <Alert tone={payment.declined ? "error" : "info"} title={payment.declined ? "Your payment was declined" : "This payment was canceled"}>
          {payment.declined ? `${payment.declined} ` : ""}Nothing was charged, and the invoices are payable again below.
        </Alert>
      );
    default:
      return returned ? (
        <Alert title={looks >= 12 ? "Still waiting for confirmation" : "Confirming your payment…"}>
          {looks >= 12 ? "Stripe has not confirmed the payment yet. This page shows the result once it does." : "This takes a few seconds."}
        </Alert>
      ) : (
        <Alert title="This payment is not finished">
          {payment.failureMessage ? `${payment.failureMessage} ` : ""}Nothing has been charged yet.{" "}
          {payment.checkoutUrl ? (
            <a href={payment.checkoutUrl} className="underline">
              Continue to payment
            </a>
          ) : null}
        </Alert>
      );
  }
}

function CancelOpenPayment({ paymentId }: { paymentId: string }) {
  return (
    <Form method="post" className="mt-3">
      <input type="hidden" name="paymentId" value={paymentId} />
      <Button type="submit" name="intent" value="cancel_payment" variant="secondary">
        Cancel it and start again
      </Button>
    </Form>
  );
}

function SignInLink() {
  return (
    <p className="mt-8 border-t border-slate-200 pt-4 text-sm text-slate-700">
      To see all your invoices, payments and statements,{" "}
      <a href="/login" className="text-brand-700 underline">
        sign in to the payment portal
      </a>
      .
    </p>
  );
}

/** The public page's frame: the company's name and logo, no portal navigation. */
function PayLinkShell({ brand, children }: { brand: Brand; children: ReactNode }) {
  return (
    <main className="mx-auto max-w-2xl px-4 py-8">
      <CompanyMark brand={brand} />
      {children}
    </main>
  );
}

