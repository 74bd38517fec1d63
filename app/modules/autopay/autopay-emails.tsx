import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

/** What every autopay email says: to whom, the account, the invoices and amount, where to act. */
export interface AutopayEmailFacts {
  to: string;
  cc?: string;
  name: string;
  company: string;
  accountName: string;
  methodLabel: string;
  currency: string;
  amount: number;
  chargeOn: string;
  invoices: Array<{ number: string; amount: number }>;
  autopayUrl: string;
  payUrl: string;
}

interface Content {
  subject: string;
  intro: string[];
  outro: string[];
  action: { href: string; label: string };
}

const cell = { padding: "2px 12px 2px 0", fontSize: "14px" };

function AutopayEmail({ f, c }: { f: AutopayEmailFacts; c: Content }) {
  const money = (m: number) => formatMoney(m, f.currency);
  return (
    <EmailLayout title={c.subject} company={f.company} reason="plan">
      <Greeting name={f.name} />
      {c.intro.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <table role="presentation" style={{ borderCollapse: "collapse", margin: "0 0 14px" }}>
        <tbody>
          {f.invoices.map((i) => (
            <tr key={i.number}>
              <td style={cell}>{i.number}</td>
              <td style={{ ...cell, textAlign: "right" }}>{money(i.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {c.outro.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <ActionLink href={c.action.href}>{c.action.label}</ActionLink>
    </EmailLayout>
  );
}

function compose(f: AutopayEmailFacts, c: Content): EmailMessage {
  const money = (m: number) => formatMoney(m, f.currency);
  const text = [`Hello ${f.name},`, "", ...c.intro, "", ...f.invoices.map((i) => `  ${i.number}: ${money(i.amount)}`), "", ...c.outro, "", c.action.href].join("\n") + textFooter("plan", f.company);
  return { to: f.to, ...(f.cc ? { cc: f.cc } : {}), subject: c.subject, text, html: renderEmail(<AutopayEmail f={f} c={c} />) };
}

/** The advance notice: what will be charged, when, to which method. */
export function autopayNoticeEmail(f: AutopayEmailFacts): EmailMessage {
  const amount = formatMoney(f.amount, f.currency);
  return compose(f, {
    subject: `Autopay: ${amount} will be charged on ${formatDate(f.chargeOn)}`,
    intro: [`Autopay will charge ${amount} to ${f.methodLabel} on ${formatDate(f.chargeOn)} for these invoices of ${f.accountName}:`],
    outro: ["Credits you have with us are applied first, and anything you pay before then is not charged again. To pay early, pause or cancel autopay, open the portal:"],
    action: { href: f.autopayUrl, label: "Manage autopay" },
  });
}

/** A charge above the payer's cap is not made: they are asked to pay instead. */
export function autopayOverCapEmail(f: AutopayEmailFacts & { maxCharge: number }): EmailMessage {
  const amount = formatMoney(f.amount, f.currency);
  return compose(f, {
    subject: `Autopay will not charge ${amount}: above your limit`,
    intro: [`These invoices of ${f.accountName} come to ${amount}, above your autopay limit of ${formatMoney(f.maxCharge, f.currency)}, so autopay will not charge them. Please pay them by ${formatDate(f.chargeOn)}:`],
    outro: ["You can pay them now, or raise your limit in the portal."],
    action: { href: f.payUrl, label: "Pay these invoices" },
  });
}

/** A failed debit that will be tried again. */
export function autopayRetryEmail(f: AutopayEmailFacts & { reason: string; retryOn: string }): EmailMessage {
  const amount = formatMoney(f.amount, f.currency);
  return compose(f, {
    subject: `Autopay could not collect ${amount}; we will try again on ${formatDate(f.retryOn)}`,
    intro: [`The autopay charge of ${amount} to ${f.methodLabel} did not go through: ${f.reason} We will try again on ${formatDate(f.retryOn)}.`],
    outro: ["To avoid another attempt, pay the invoices now or choose another method in the portal."],
    action: { href: f.payUrl, label: "Pay these invoices" },
  });
}

/** Autopay stopped: the bank said the method cannot be debited (or the card cannot be charged unattended). */
export function autopayStoppedEmail(f: AutopayEmailFacts & { reason: string }): EmailMessage {
  return compose(f, {
    subject: `Autopay stopped: please choose a new payment method`,
    intro: [`Autopay for ${f.accountName} stopped: ${f.reason} Nothing more will be charged to ${f.methodLabel}. These invoices are still open:`],
    outro: ["Choose a new card or bank account in the portal to turn autopay back on, or pay the invoices yourself."],
    action: { href: f.autopayUrl, label: "Choose a new payment method" },
  });
}

/** The last try failed: autopay stays on for later invoices, these need paying by hand. */
export function autopayGaveUpEmail(f: AutopayEmailFacts & { reason: string }): EmailMessage {
  const amount = formatMoney(f.amount, f.currency);
  return compose(f, {
    subject: `Autopay could not collect ${amount}`,
    intro: [`Autopay could not collect ${amount} from ${f.methodLabel}: ${f.reason} Please pay these invoices yourself:`],
    outro: ["Autopay stays on for later invoices."],
    action: { href: f.payUrl, label: "Pay these invoices" },
  });
}
