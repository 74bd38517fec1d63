import { getFormProps, useForm } from "@conform-to/react";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FieldErrors, FormErrors } from "~/components/forms/fields";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { randomToken } from "~/modules/auth/secrets.server";
import { requirePayerActor } from "~/modules/auth/session.server";
import { cancelPayment } from "~/modules/payments/cancel-payment.server";
import { loadPayForm } from "~/modules/payments/pay-form.server";
import { payAmountField, payCreditField } from "~/modules/payments/payment-form-fields";
import { cancelAndRestartSchema, payFormSchema } from "~/modules/payments/payment-forms.server";
import { paymentIs } from "~/modules/payments/payment-states";
import { STALE_QUOTE, startPayment } from "~/modules/payments/start-payment.server";
import { discountFor } from "~/modules/terms/quote-rules";
import { formatDate } from "~/utils/dates";
import { invalidReply, parseFormData, replyWithProblem } from "~/utils/form.server";
import { amountInputValue, formatMoney, parseAmount } from "~/utils/money";
import { invalid, isProblem } from "~/utils/problem";
import { orThrow, problemJson } from "~/utils/problem-response.server";
import { readForm } from "~/utils/read-form.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Pay invoices · Payment portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const ids = new URL(request.url).searchParams.getAll("invoice").slice(0, 100);
  const form = await loadPayForm(actor, { accountId: payer.activeAccount.id, invoiceIds: ids });
  // A fresh id per form: submitting it twice finds the payment already made.
  return json({ ...form, attemptId: randomToken() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { payer, actor } = await requirePayerActor(request, context);
  const form = await readForm(request);
  if (form.get("intent") === "cancel_payment") return cancelAndStartAgain(request, actor, form);
  // The amount fields are named by the invoices the form names: the schema is built from the database's rows for them.
  const ids = form.getAll("invoice").map(String).slice(0, 100);
  const { invoices, credits } = await loadPayForm(actor, { accountId: payer.activeAccount.id, invoiceIds: ids });
  const submission = parseFormData(form, payFormSchema(invoices, credits));
  if (submission.status !== "success") return invalidReply(submission);
  const started = await startPayment(actor, { accountId: payer.activeAccount.id, ...submission.value });
  // The page showed yesterday's discount or a balance that changed: the page reloads with today's amounts and says why.
  if (isProblem(started) && started.code === STALE_QUOTE) return json({ staleQuote: started.message }, { status: 409 });
  if (isProblem(started)) return replyWithProblem(submission, started);
  if ("settledByCredit" in started) {
    const discount = started.discountTotal > 0 ? ` with an early-payment discount of ${formatMoney(started.discountTotal, started.currency)}` : "";
    return redirectWithToast("/invoices", `Your credit of ${formatMoney(started.creditTotal, started.currency)} was applied to ${started.numbers.join(", ")}${discount}. Nothing was charged.`);
  }
  throw redirect(started.checkoutUrl);
}

/**
 * "Cancel it and start again" for a payment left open in Checkout (the payer went back): the
 * session is expired at Stripe and the reservation released at once, and the same pay page
 * shows the balances payable again.
 */
async function cancelAndStartAgain(request: Request, actor: Parameters<typeof cancelPayment>[0], form: FormData) {
  // Its answer is not the pay form's: a refusal is shown above the form without touching the amounts typed.
  const submission = parseFormData(form, cancelAndRestartSchema());
  if (submission.status !== "success") return problemJson(invalid("Choose the payment to cancel."));
  const canceled = await cancelPayment(actor, { paymentId: submission.value.paymentId });
  if (isProblem(canceled) && canceled.kind === "not_found") orThrow(canceled);
  if (isProblem(canceled)) return problemJson(canceled);
  const search = new URLSearchParams(new URL(request.url).searchParams.getAll("invoice").slice(0, 100).map((id) => ["invoice", id]));
  return redirectWithToast(`/pay?${search.toString()}`, "The earlier payment was canceled and nothing was charged. The invoices are payable again below.");
}

export default function PayInvoicesPage() {
  const { quoteBasis } = useLoaderData<typeof loader>();
  // The amounts typed start from today's quote: when it changes (a payment canceled here, a discount ended), start afresh.
  return <PayInvoices key={quoteBasis} />;
}

function PayInvoices() {
  const { invoices, paymentsUnderWay, attemptId, savedCards, quoteBasis, today, credits } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const cancelRefused = actionData && "problem" in actionData ? actionData.problem.message : null;
  const staleQuote = actionData && "staleQuote" in actionData ? actionData.staleQuote : null;
  const lastResult = actionData && !("problem" in actionData) && !("staleQuote" in actionData) ? actionData : undefined;
  const busy = useNavigation().state !== "idle";
  // Validated on the server only (the schema's amounts need the database's invoices); what was typed comes back with the errors.
  const [form, fields] = useForm<Record<string, unknown>>({
    id: "pay",
    lastResult,
    defaultValue: { ...Object.fromEntries(invoices.map((inv) => [payAmountField(inv.id), amountInputValue(inv.mostPayable, inv.currency)])), method: "checkout" },
  });
  const currency = invoices[0]?.currency ?? "USD";
  const typed = invoices.map((inv) => ({ inv, amount: inv.payable > 0 ? (parseAmount(String(fields[payAmountField(inv.id)]!.value ?? ""), inv.currency) ?? 0) : 0 }));
  const total = typed.reduce((s, t) => s + t.amount, 0);
  // The same rules as the server's quote: each amount paid inside the window settles more than itself.
  const discounts = typed.reduce((s, t) => s + discountFor(t.inv.terms, Math.min(t.amount, t.inv.mostPayable), today), 0);
  // Credit chosen lowers the charge, never below zero (what is not needed stays on the credit).
  const creditChosen = credits.reduce((s, c) => s + Math.min(c.available, parseAmount(String(fields[payCreditField(c.id)]?.value ?? ""), c.currency) ?? 0), 0);
  const creditUsed = Math.min(creditChosen, total);
  const payable = invoices.filter((inv) => inv.payable > 0);
  const chosenMethod = String(fields.method!.initialValue ?? "checkout");

  if (invoices.length === 0) {
    return (
      <>
        <h1 className="text-2xl font-semibold">Pay invoices</h1>
        <p className="mt-4">
          Choose the invoices to pay on the{" "}
          <Link to="/invoices" className="text-brand-700 underline">
            invoice list
          </Link>
          .
        </p>
      </>
    );
  }

  return (
    <>
      <h1 className="text-2xl font-semibold">Pay invoices</h1>
      <p className="mt-1 text-slate-700">Pay the full balance or part of each invoice. You will enter your card or bank account on Stripe&apos;s secure page.</p>
      {paymentsUnderWay.length > 0 ? (
        <div className="mt-4 space-y-3">
          {paymentsUnderWay.map((p) =>
            paymentIs("open", p.status) ? (
              <Alert key={p.id} title="You have a payment in progress for these invoices">
                <p>
                  You started a payment of {formatMoney(p.amount, p.currency)} and did not finish it, so its amount is set aside and not payable again below. Nothing has been charged yet.
                </p>
                <div className="mt-3 flex flex-wrap gap-3">
                  {p.checkoutUrl ? (
                    <a href={p.checkoutUrl} className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
                      Resume the payment in progress
                    </a>
                  ) : null}
                  <Form method="post">
                    <input type="hidden" name="paymentId" value={p.id} />
                    <Button type="submit" name="intent" value="cancel_payment" variant="secondary" disabled={busy}>
                      Cancel it and start again
                    </Button>
                  </Form>
                </div>
              </Alert>
            ) : (
              <Alert key={p.id} title="A payment is already under way for some of these invoices">
                <Link to={`/payments/${p.id}`} className="underline">
                  {formatMoney(p.amount, p.currency)} — processing
                </Link>
                <p className="mt-1">Its amount is already set aside, so it is not payable again below.</p>
              </Alert>
            ),
          )}
        </div>
      ) : null}
      <Form method="post" className="mt-6 space-y-4" {...getFormProps(form)}>
        <input type="hidden" name="attemptId" value={attemptId} />
        <input type="hidden" name="quoteBasis" value={quoteBasis} />
        {staleQuote ? (
          <Alert tone="error" title="The amount due changed">
            {staleQuote}
          </Alert>
        ) : null}
        {cancelRefused ? <Alert tone="error">{cancelRefused}</Alert> : null}
        <FormErrors form={form} />
        {fields.attemptId!.errors?.length ? <Alert tone="error">{fields.attemptId!.errors.join(" ")}</Alert> : null}
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold">Invoice</th>
                <th scope="col" className="hidden px-3 py-2 text-left font-semibold sm:table-cell">Due</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Payable</th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">Pay now</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {invoices.map((inv) => {
                const amount = fields[payAmountField(inv.id)]!;
                const error = amount.errors?.length ? amount.errors.join(" ") : null;
                return (
                  <tr key={inv.id}>
                    <td className="px-3 py-2">
                      <Link to={`/invoices/${inv.id}`} className="font-medium text-brand-700 underline">
                        {inv.number}
                      </Link>
                      {inv.feeForNumber ? <span className="block text-xs text-slate-600">Late fee on {inv.feeForNumber}</span> : null}
                      {inv.poNumber ? <span className="block text-xs text-slate-600">PO {inv.poNumber}</span> : null}
                      {inv.offer ? (
                        <span className="mt-1 block text-xs font-medium text-emerald-800" data-testid={`offer-${inv.number}`}>
                          Pay {formatMoney(inv.offer.payInFull, inv.currency)} by {formatDate(inv.offer.until)} and save {formatMoney(inv.offer.saves, inv.currency)}
                        </span>
                      ) : null}
                    </td>
                    <td className="hidden px-3 py-2 sm:table-cell">{formatDate(inv.dueDate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatMoney(inv.payable, inv.currency)}</td>
                    <td className="px-3 py-2 text-right">
                      {inv.paymentPlanId ? (
                        <p className="text-left text-sm sm:text-right">
                          On a payment plan —{" "}
                          <Link to={`/plans/${inv.paymentPlanId}`} className="text-brand-700 underline">
                            pay it from the plan
                          </Link>
                        </p>
                      ) : (
                        <>
                          {inv.payable > 0 ? <input type="hidden" name="invoice" value={inv.id} /> : null}
                          {/* The id is the field's name: links and tests find the amount of an invoice by it. */}
                          <label htmlFor={amount.name} className="sr-only">
                            Amount to pay on {inv.number} ({inv.currency})
                          </label>
                          <input
                            id={amount.name}
                            name={amount.name}
                            key={amount.key}
                            inputMode="decimal"
                            autoComplete="off"
                            disabled={inv.payable <= 0}
                            defaultValue={amount.initialValue as string | undefined}
                            aria-invalid={error ? true : undefined}
                            aria-describedby={error ? amount.errorId : undefined}
                            className="w-32 rounded-md border border-slate-400 px-2 py-1.5 text-right tabular-nums aria-[invalid]:border-red-700 disabled:bg-slate-100"
                          />
                          <div className="text-left sm:text-right">
                            <FieldErrors meta={amount} />
                          </div>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {credits.length > 0 ? (
          <fieldset className="space-y-2 rounded-lg bg-white p-3 ring-1 ring-slate-200">
            <legend className="px-1 text-sm font-medium">Apply your credit</legend>
            <p className="text-sm text-slate-700">Use credit you have with us towards these invoices. What you do not use stays available.</p>
            {credits.map((c) => {
              const field = fields[payCreditField(c.id)]!;
              return (
                <div key={c.id}>
                  <div className="flex flex-wrap items-center gap-3">
                    <label htmlFor={field.name} className="min-w-0 flex-1 text-sm">
                      {c.source === "overpayment" ? "Overpayment" : "Credit memo"}: {c.reason} — {formatMoney(c.available, c.currency)} available
                    </label>
                    <input
                      id={field.name}
                      name={field.name}
                      key={field.key}
                      inputMode="decimal"
                      autoComplete="off"
                      placeholder={amountInputValue(c.available, c.currency)}
                      defaultValue={field.initialValue as string | undefined}
                      aria-invalid={field.errors?.length ? true : undefined}
                      aria-describedby={field.errors?.length ? field.errorId : undefined}
                      className="w-32 rounded-md border border-slate-400 px-2 py-1.5 text-right tabular-nums aria-[invalid]:border-red-700"
                    />
                  </div>
                  <FieldErrors meta={field} />
                </div>
              );
            })}
          </fieldset>
        ) : null}
        <div className="text-right" aria-live="polite">
          {discounts > 0 ? (
            <p className="text-sm text-emerald-800">
              Early-payment discount: <span data-testid="pay-discount">{formatMoney(discounts, currency)}</span> — this payment settles {formatMoney(total + discounts, currency)} of your invoices
            </p>
          ) : null}
          {creditUsed > 0 ? (
            <p className="text-sm text-slate-700">
              Credit applied: <span data-testid="pay-credit">{formatMoney(creditUsed, currency)}</span>
            </p>
          ) : null}
          <p className="text-lg font-semibold">
            Total: <span data-testid="pay-total">{formatMoney(total - creditUsed, currency)}</span>
          </p>
        </div>
        {savedCards.length > 0 ? (
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">How to pay</legend>
            <div className="flex items-center gap-2">
              <input type="radio" id="method-checkout" name="method" value="checkout" defaultChecked={chosenMethod === "checkout"} className="h-4 w-4" />
              <label htmlFor="method-checkout">A card or bank account on Stripe&apos;s secure page</label>
            </div>
            {savedCards.map((card) => (
              <div key={card.id} className="flex items-center gap-2">
                <input type="radio" id={`method-${card.id}`} name="method" value={card.id} defaultChecked={chosenMethod === card.id} className="h-4 w-4" />
                <label htmlFor={`method-${card.id}`}>Saved card {card.label}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <div className="flex items-center gap-2">
          <input id="save" name="save" type="checkbox" defaultChecked={fields.save!.initialValue === "on"} className="h-4 w-4" />
          <label htmlFor="save">Save the card or bank account I enter with Stripe for next time</label>
        </div>
        <p className="text-sm text-slate-700">{currency === "USD" ? "Pay by card or US bank account (ACH)." : "Pay by card."} Bank payments take up to 4 business days to confirm.</p>
        <Button type="submit" disabled={busy || payable.length === 0}>
          {busy ? "Opening secure payment…" : total > 0 && creditUsed >= total ? "Apply credit" : "Continue to secure payment"}
        </Button>
      </Form>
    </>
  );
}
