import { formatMoney } from "~/utils/money";
import type { EmailMessage } from "./mailer.server";
import { escapeHtml, layout, textFooter, type EmailReason } from "./templates";

export interface PaymentEmailFacts {
  to: string;
  name: string;
  company: string;
  paymentUrl: string;
  amount: number;
  currency: string;
  methodLabel: string | null;
  invoices: Array<{ number: string; amount: number }>;
}


function compose(f: PaymentEmailFacts, subject: string, intro: string[], outro: string[], reason: EmailReason = "payment"): EmailMessage {
  const money = (m: number) => formatMoney(m, f.currency);
  const lines = f.invoices.map((i) => `  ${i.number}: ${money(i.amount)}`);
  const text = [`Hello ${f.name},`, "", ...intro, "", ...lines, `  Total: ${money(f.amount)}`, ...(f.methodLabel ? [`  Paid with: ${f.methodLabel}`] : []), "", ...outro, "", f.paymentUrl].join("\n") + textFooter(reason, f.company);
  const html = layout(
    subject,
    `<p>Hello ${escapeHtml(f.name)},</p>${intro.map((p) => `<p>${escapeHtml(p)}</p>`).join("")}
<table style="border-collapse:collapse">${f.invoices.map((i) => `<tr><td style="padding:2px 12px 2px 0">${escapeHtml(i.number)}</td><td style="text-align:right">${escapeHtml(money(i.amount))}</td></tr>`).join("")}
<tr><td style="padding:2px 12px 2px 0;font-weight:bold">Total</td><td style="text-align:right;font-weight:bold">${escapeHtml(money(f.amount))}</td></tr></table>
${f.methodLabel ? `<p>Paid with ${escapeHtml(f.methodLabel)}</p>` : ""}${outro.map((p) => `<p>${escapeHtml(p)}</p>`).join("")}
<p><a href="${escapeHtml(f.paymentUrl)}">View this payment in the portal</a></p>`,
    f.company,
    reason,
  );
  return { to: f.to, subject, text, html };
}

export const paymentReceiptEmail = (f: PaymentEmailFacts) =>
  compose(f, `Payment received: ${formatMoney(f.amount, f.currency)}`, [`Thank you. We received your payment of ${formatMoney(f.amount, f.currency)}.`], ["Your receipt (with a PDF copy) is in the portal:"]);

export const paymentProcessingEmail = (f: PaymentEmailFacts) =>
  compose(
    f,
    `Bank payment submitted: ${formatMoney(f.amount, f.currency)}`,
    [`Your bank payment of ${formatMoney(f.amount, f.currency)} is on its way. Bank debits take up to 4 business days; we will email you when it is confirmed.`],
    ["Until then the invoices show a pending payment. You can follow it here:"],
  );

export const paymentFailedEmail = (f: PaymentEmailFacts & { reason: string }) =>
  compose(
    f,
    `Your payment of ${formatMoney(f.amount, f.currency)} did not go through`,
    [`Your payment of ${formatMoney(f.amount, f.currency)} failed: ${f.reason}`, "The invoices below are open again."],
    ["You can pay them again with another card or bank account from the portal:"],
  );

export const refundEmail = (f: PaymentEmailFacts & { refunded: number }) =>
  compose(
    f,
    `Refund issued: ${formatMoney(f.refunded, f.currency)}`,
    [`We refunded ${formatMoney(f.refunded, f.currency)} of your payment. It can take 5–10 business days to reach your account.`],
    ["Details:"],
    "refund",
  );
