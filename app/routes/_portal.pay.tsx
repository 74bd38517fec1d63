import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { randomToken } from "~/modules/auth/secrets.server";
import { requirePayer } from "~/modules/auth/session.server";
import { amountInputValue, parseAmount } from "~/modules/payments/allocation-rules";
import { cancelPayment } from "~/modules/payments/cancel-payment.server";
import { loadPayForm } from "~/modules/payments/pay-form.server";
import { startPayment } from "~/modules/payments/start-payment.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { clientOf } from "~/utils/request.server";
import { readForm } from "~/utils/read-form.server";

export const meta: MetaFunction = () => [{ title: "Pay invoices · Payment portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const payer = await requirePayer(request);
  const ids = new URL(request.url).searchParams.getAll("invoice").slice(0, 100);
  const form = await loadPayForm({ userId: payer.user.id, accountId: payer.activeAccount.id }, ids);
  // A fresh id per form: submitting it twice finds the payment already made.
  return json({ ...form, attemptId: randomToken() });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const payer = await requirePayer(request);
  const form = await readForm(request);
  if (form.get("intent") === "cancel_payment") return cancelAndStartAgain(request, context, payer.user.id, String(form.get("paymentId") ?? ""));
  const ids = form.getAll("invoice").map(String).slice(0, 100);
  const attemptId = String(form.get("attemptId") ?? "");
  const values = Object.fromEntries(ids.map((id) => [id, String(form.get(`amount_${id}`) ?? "")]));
  const save = form.get("save") === "on";
  const method = String(form.get("method") ?? "checkout");
  const { invoices } = await loadPayForm({ userId: payer.user.id, accountId: payer.activeAccount.id }, ids);

  const fieldErrors: Record<string, string> = {};
  const amounts = invoices.map((inv) => {
    const amount = parseAmount(values[inv.id] ?? "", inv.currency);
    if (amount === null) fieldErrors[inv.id] = `Enter an amount like ${amountInputValue(inv.payable || 12500, inv.currency)}.`;
    return { invoiceId: inv.id, amount: amount ?? 0 };
  });
  if (!/^[\w-]{16,64}$/.test(attemptId)) return json({ formError: "This form has expired. Reload the page and try again.", fieldErrors, values, save, method }, { status: 400 });
  if (Object.keys(fieldErrors).length > 0) return json({ formError: null, fieldErrors, values, save, method }, { status: 400 });

  // 0 on an invoice means "not this one now".
  const chosen = amounts.filter((a) => a.amount !== 0);
  const result = await startPayment({
    payer: { userId: payer.user.id, ip: clientOf(request, context).ip },
    accountId: payer.activeAccount.id,
    attemptId,
    amounts: chosen,
    savePaymentMethod: save,
    savedMethodId: method === "checkout" ? null : method,
  });
  if (result.ok) throw redirect(result.checkoutUrl);
  for (const p of result.problems) if (p.invoiceId) fieldErrors[p.invoiceId] = p.message;
  const formError = result.problems.filter((p) => !p.invoiceId).map((p) => p.message).join(" ") || null;
  return json({ formError, fieldErrors, values, save, method }, { status: 400 });
}

/**
 * "Cancel it and start again" for a payment left open in Checkout (the payer went back): the
 * session is expired at Stripe and the reservation released at once, and the same pay page
 * shows the balances payable again.
 */
async function cancelAndStartAgain(request: Request, context: ActionFunctionArgs["context"], userId: string, paymentId: string) {
  const outcome = await cancelPayment({ payer: { userId, ip: clientOf(request, context).ip }, paymentId });
  if (outcome === "not_found") throw new Response("Not found", { status: 404 });
  const search = new URLSearchParams(new URL(request.url).searchParams.getAll("invoice").slice(0, 100).map((id) => ["invoice", id]));
  if (outcome === "canceled") throw redirect(`/pay?${search.toString()}&restarted=1`);
  const why = outcome === "succeeded" ? "it was paid in the meantime" : outcome === "processing" ? "the bank payment is already processing" : "it is no longer open";
  return json({ formError: `That payment cannot be canceled: ${why}.`, fieldErrors: {} as Record<string, string>, values: {} as Record<string, string>, save: false, method: "checkout" }, { status: 400 });
}

export default function PayInvoicesPage() {
  const { invoices } = useLoaderData<typeof loader>();
  // The amounts typed start from what is payable: when that changes (a payment canceled here), start afresh.
  return <PayInvoices key={invoices.map((inv) => `${inv.id}:${inv.payable}`).join(",")} />;
}

function PayInvoices() {
  const { invoices, paymentsUnderWay, attemptId, savedCards } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const restarted = useSearchParams()[0].get("restarted") === "1";
  const [typed, setTyped] = useState<Record<string, string>>(() =>
    Object.fromEntries(invoices.map((inv) => [inv.id, actionData?.values?.[inv.id] ?? amountInputValue(inv.payable, inv.currency)])),
  );
  const currency = invoices[0]?.currency ?? "USD";
  const total = invoices.reduce((s, inv) => s + (parseAmount(typed[inv.id] ?? "", inv.currency) ?? 0), 0);
  const payable = invoices.filter((inv) => inv.payable > 0);

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
      {restarted && paymentsUnderWay.length === 0 ? (
        <div className="mt-4">
          <Alert tone="success">The earlier payment was canceled and nothing was charged. The invoices are payable again below.</Alert>
        </div>
      ) : null}
      {paymentsUnderWay.length > 0 ? (
        <div className="mt-4 space-y-3">
          {paymentsUnderWay.map((p) =>
            p.status === "pending" ? (
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
      <Form method="post" className="mt-6 space-y-4" noValidate>
        <input type="hidden" name="attemptId" value={attemptId} />
        {actionData?.formError ? <Alert tone="error">{actionData.formError}</Alert> : null}
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
                const error = actionData?.fieldErrors?.[inv.id];
                return (
                  <tr key={inv.id}>
                    <td className="px-3 py-2">
                      <Link to={`/invoices/${inv.id}`} className="font-medium text-brand-700 underline">
                        {inv.number}
                      </Link>
                      {inv.poNumber ? <span className="block text-xs text-slate-600">PO {inv.poNumber}</span> : null}
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
                          <label htmlFor={`amount_${inv.id}`} className="sr-only">
                            Amount to pay on {inv.number} ({inv.currency})
                          </label>
                          <input
                            id={`amount_${inv.id}`}
                            name={`amount_${inv.id}`}
                            inputMode="decimal"
                            autoComplete="off"
                            disabled={inv.payable <= 0}
                            value={typed[inv.id] ?? ""}
                            onChange={(e) => setTyped((t) => ({ ...t, [inv.id]: e.target.value }))}
                            aria-invalid={error ? true : undefined}
                            aria-describedby={error ? `amount_${inv.id}-error` : undefined}
                            className="w-32 rounded-md border border-slate-400 px-2 py-1.5 text-right tabular-nums aria-[invalid]:border-red-700 disabled:bg-slate-100"
                          />
                          {error ? (
                            <p id={`amount_${inv.id}-error`} className="mt-1 text-left text-sm text-red-800 sm:text-right">
                              {error}
                            </p>
                          ) : null}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="text-right text-lg font-semibold" aria-live="polite">
          Total: <span data-testid="pay-total">{formatMoney(total, currency)}</span>
        </p>
        {savedCards.length > 0 ? (
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">How to pay</legend>
            <div className="flex items-center gap-2">
              <input type="radio" id="method-checkout" name="method" value="checkout" defaultChecked={(actionData?.method ?? "checkout") === "checkout"} className="h-4 w-4" />
              <label htmlFor="method-checkout">A card or bank account on Stripe&apos;s secure page</label>
            </div>
            {savedCards.map((card) => (
              <div key={card.id} className="flex items-center gap-2">
                <input type="radio" id={`method-${card.id}`} name="method" value={card.id} defaultChecked={actionData?.method === card.id} className="h-4 w-4" />
                <label htmlFor={`method-${card.id}`}>Saved card {card.label}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <div className="flex items-center gap-2">
          <input id="save" name="save" type="checkbox" defaultChecked={actionData?.save ?? false} className="h-4 w-4" />
          <label htmlFor="save">Save the card or bank account I enter with Stripe for next time</label>
        </div>
        <p className="text-sm text-slate-700">{currency === "USD" ? "Pay by card or US bank account (ACH)." : "Pay by card."} Bank payments take up to 4 business days to confirm.</p>
        <Button type="submit" disabled={busy || payable.length === 0}>
          {busy ? "Opening secure payment…" : "Continue to secure payment"}
        </Button>
      </Form>
    </>
  );
}
