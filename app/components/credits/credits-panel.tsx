import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useState } from "react";
import { FieldErrors, FormErrors } from "~/components/forms/fields";
import { Button } from "~/components/ui/button";
import type { ApplyCreditFields } from "~/modules/credits/credit-forms";
import { formatDate } from "~/utils/dates";
import { amountInputValue, formatMoney } from "~/utils/money";

/** The Credits section's data as the loader serializes it (credit-choices.server.ts). */
export interface CreditsPanelData {
  credits: Array<{ id: string; source: "credit_memo" | "overpayment"; reason: string; currency: string; amount: number; applied: number; available: number; createdAt: string }>;
  invoices: Array<{ id: string; number: string; currency: string; dueDate: string; balance: number; payable: number }>;
}

const SOURCE_LABELS = { credit_memo: "Credit memo", overpayment: "Overpayment" } as const;
const selectClass = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base aria-[invalid]:border-red-700";

/**
 * An account's open credits and the "Apply to invoice" form (AR agents and admins). The form posts
 * to /admin/customers/:id/credits, which answers a refusal on its own page with what was typed.
 */
export function CreditsPanel({ accountId, data, lastResult, busy }: { accountId: string; data: CreditsPanelData; lastResult?: SubmissionResult<string[]> | null; busy: boolean }) {
  const sent = (lastResult?.initialValue ?? {}) as Partial<ApplyCreditFields>;
  const [form, fields] = useForm<ApplyCreditFields>({ id: "apply-credit", lastResult: sent.intent === "apply_credit" ? lastResult : undefined });
  // A choice that is gone since (a credit used up, an invoice paid) falls back to the first one left.
  const [chosenCreditId, setCreditId] = useState(sent.creditId ?? "");
  const creditId = data.credits.some((c) => c.id === chosenCreditId) ? chosenCreditId : (data.credits[0]?.id ?? "");
  const credit = data.credits.find((c) => c.id === creditId);
  const invoices = data.invoices.filter((i) => !credit || i.currency === credit.currency);
  const [chosenInvoiceId, setInvoiceId] = useState(sent.invoiceId ?? "");
  const invoiceId = invoices.some((i) => i.id === chosenInvoiceId) ? chosenInvoiceId : (invoices[0]?.id ?? "");
  const invoice = invoices.find((i) => i.id === invoiceId);
  // What is typed after a refusal stays; otherwise as much as both the credit and the invoice allow.
  const pair = `${creditId}:${invoiceId}`;
  const typed = sent.creditId !== undefined && `${sent.creditId}:${sent.invoiceId}` === pair ? sent.amount : undefined;
  const suggested = credit && invoice ? amountInputValue(Math.min(credit.available, invoice.payable), credit.currency) : "";

  return (
    <section aria-labelledby="credits-heading" className="mt-6" id="credits">
      <h2 id="credits-heading" className="text-lg font-semibold">
        Credits
      </h2>
      {data.credits.length === 0 ? (
        <p className="mt-2">No credits to apply.</p>
      ) : (
        <div className="mt-2 grid gap-3 lg:grid-cols-2">
          <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Open credits, oldest first</caption>
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">Credit</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Amount</th>
                  <th scope="col" className="px-3 py-2 text-right font-semibold">Available</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.credits.map((c) => (
                  <tr key={c.id} data-testid="open-credit">
                    <td className="px-3 py-2">
                      {SOURCE_LABELS[c.source]} · {formatDate(c.createdAt.slice(0, 10))}
                      <span className="block text-xs text-slate-600">{c.reason}</span>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatMoney(c.amount, c.currency)}</td>
                    <td className="px-3 py-2 text-right font-semibold tabular-nums">{formatMoney(c.available, c.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
            <h3 className="font-semibold">Apply to invoice</h3>
            <Form method="post" action={`/admin/customers/${accountId}/credits`} className="mt-3 space-y-3" {...getFormProps(form)}>
              <FormErrors form={form} />
              <input type="hidden" name="intent" value="apply_credit" />
              <div>
                <label htmlFor={fields.creditId.id} className="block text-sm font-medium text-slate-800">
                  Credit
                </label>
                <select id={fields.creditId.id} name={fields.creditId.name} value={creditId} onChange={(e) => setCreditId(e.target.value)} aria-invalid={fields.creditId.errors?.length ? true : undefined} aria-describedby={fields.creditId.errors?.length ? fields.creditId.errorId : undefined} className={selectClass}>
                  {data.credits.map((c) => (
                    <option key={c.id} value={c.id}>
                      {formatMoney(c.available, c.currency)} left · {SOURCE_LABELS[c.source]} · {c.reason.slice(0, 60)}
                    </option>
                  ))}
                </select>
                <FieldErrors meta={fields.creditId} />
              </div>
              <div>
                <label htmlFor={fields.invoiceId.id} className="block text-sm font-medium text-slate-800">
                  Invoice
                </label>
                {invoices.length === 0 ? (
                  <p className="mt-1 text-sm text-slate-700">No open invoice in {credit?.currency ?? "this currency"} can take a credit now.</p>
                ) : (
                  <select id={fields.invoiceId.id} name={fields.invoiceId.name} value={invoiceId} onChange={(e) => setInvoiceId(e.target.value)} aria-invalid={fields.invoiceId.errors?.length ? true : undefined} aria-describedby={fields.invoiceId.errors?.length ? fields.invoiceId.errorId : undefined} className={selectClass}>
                    {invoices.map((i) => (
                      <option key={i.id} value={i.id}>
                        {i.number} · due {formatDate(i.dueDate)} · {formatMoney(i.payable, i.currency)} can take credit
                      </option>
                    ))}
                  </select>
                )}
                <FieldErrors meta={fields.invoiceId} />
              </div>
              <div>
                <label htmlFor={fields.amount.id} className="block text-sm font-medium text-slate-800">
                  Amount{credit ? ` (${credit.currency})` : ""}
                </label>
                <input
                  key={pair}
                  id={fields.amount.id}
                  name={fields.amount.name}
                  defaultValue={typed ?? suggested}
                  inputMode="decimal"
                  autoComplete="off"
                  aria-invalid={fields.amount.errors?.length ? true : undefined}
                  aria-describedby={fields.amount.errors?.length ? fields.amount.errorId : undefined}
                  className={selectClass}
                />
                <FieldErrors meta={fields.amount} />
              </div>
              <Button type="submit" disabled={busy || invoices.length === 0}>
                Apply credit
              </Button>
            </Form>
          </div>
        </div>
      )}
    </section>
  );
}
