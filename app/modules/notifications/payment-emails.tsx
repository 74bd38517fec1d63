import { formatMoney } from "~/utils/money";
import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter, type EmailReason } from "./email-layout";
import type { EmailMessage } from "./mailer.server";

export interface PaymentEmailFacts {
  to: string;
  /** Copied contacts (a pay link's payment: the account's others who want receipts). */
  cc?: string;
  name: string;
  company: string;
  paymentUrl: string;
  amount: number;
  currency: string;
  methodLabel: string | null;
  /** Each invoice paid; `discount` is the early-payment discount the payment settled with it. */
  invoices: Array<{ number: string; amount: number; discount?: number }>;
}

/** What one payer email about a payment says; the text and HTML parts both render it. */
interface PaymentEmailContent {
  subject: string;
  intro: string[];
  outro: string[];
  reason: EmailReason;
}

const cell = { padding: "2px 12px 2px 0", fontSize: "14px" };

/** Every payer email about a payment: what happened, the invoices it paid, the link to it. */
export function PaymentEmail({ f, content }: { f: PaymentEmailFacts; content: PaymentEmailContent }) {
  const money = (m: number) => formatMoney(m, f.currency);
  return (
    <EmailLayout title={content.subject} company={f.company} reason={content.reason}>
      <Greeting name={f.name} />
      {content.intro.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <table role="presentation" style={{ borderCollapse: "collapse", margin: "0 0 14px" }}>
        <tbody>
          {f.invoices.map((i, n) => (
            <tr key={n}>
              <td style={cell}>{i.number}</td>
              <td style={{ ...cell, textAlign: "right" }}>{money(i.amount)}</td>
              <td style={cell}>{i.discount ? `+ ${money(i.discount)} early-payment discount (settles ${money(i.amount + i.discount)})` : ""}</td>
            </tr>
          ))}
          <tr>
            <td style={{ ...cell, fontWeight: "bold" }}>Total</td>
            <td style={{ ...cell, textAlign: "right", fontWeight: "bold" }}>{money(f.amount)}</td>
          </tr>
        </tbody>
      </table>
      {f.methodLabel ? <Paragraph>{`Paid with ${f.methodLabel}`}</Paragraph> : null}
      {content.outro.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <ActionLink href={f.paymentUrl}>View this payment in the portal</ActionLink>
    </EmailLayout>
  );
}

function compose(f: PaymentEmailFacts, subject: string, intro: string[], outro: string[], reason: EmailReason = "payment"): EmailMessage {
  const money = (m: number) => formatMoney(m, f.currency);
  const lines = f.invoices.map((i) => `  ${i.number}: ${money(i.amount)}${i.discount ? ` + ${money(i.discount)} early-payment discount (settles ${money(i.amount + i.discount)})` : ""}`);
  const text = [`Hello ${f.name},`, "", ...intro, "", ...lines, `  Total: ${money(f.amount)}`, ...(f.methodLabel ? [`  Paid with: ${f.methodLabel}`] : []), "", ...outro, "", f.paymentUrl].join("\n") + textFooter(reason, f.company);
  return { to: f.to, ...(f.cc ? { cc: f.cc } : {}), subject, text, html: renderEmail(<PaymentEmail f={f} content={{ subject, intro, outro, reason }} />) };
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
