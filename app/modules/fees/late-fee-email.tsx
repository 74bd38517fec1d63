import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { formatMoney } from "~/utils/money";

export interface LateFeeEmailFacts {
  to: string;
  name: string;
  company: string;
  invoicesUrl: string;
  /** The fees posted on one account in one run, each on its invoice. */
  fees: Array<{ number: string; parentNumber: string; amount: number; currency: string; description: string }>;
}

const cell = { padding: "2px 12px 2px 0", fontSize: "14px" };

function LateFeeEmail({ f, subject }: { f: LateFeeEmailFacts; subject: string }) {
  return (
    <EmailLayout title={subject} company={f.company} reason="reminder">
      <Greeting name={f.name} />
      <Paragraph>{`Late fees were added to your account for invoices past their due date, as your terms with ${f.company} provide:`}</Paragraph>
      <table role="presentation" style={{ borderCollapse: "collapse", margin: "0 0 14px" }}>
        <tbody>
          {f.fees.map((fee) => (
            <tr key={fee.number}>
              <td style={cell}>{fee.number}</td>
              <td style={cell}>{fee.description}</td>
              <td style={{ ...cell, textAlign: "right" }}>{formatMoney(fee.amount, fee.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Paragraph>Each fee is its own invoice, payable with the invoice it is charged on. Paying overdue invoices stops further fees.</Paragraph>
      <ActionLink href={f.invoicesUrl}>See your invoices in the portal</ActionLink>
    </EmailLayout>
  );
}

/** One email per account and run, listing every fee the run posted on it. */
export function lateFeesPostedEmail(f: LateFeeEmailFacts): EmailMessage {
  const currencies = new Set(f.fees.map((fee) => fee.currency));
  const total = currencies.size === 1 ? formatMoney(f.fees.reduce((sum, fee) => sum + fee.amount, 0), f.fees[0]!.currency) : `${f.fees.length} fees`;
  const subject = `Late fees added: ${total}`;
  const text =
    [
      `Hello ${f.name},`,
      "",
      `Late fees were added to your account for invoices past their due date, as your terms with ${f.company} provide:`,
      "",
      ...f.fees.map((fee) => `  ${fee.number}: ${fee.description}: ${formatMoney(fee.amount, fee.currency)}`),
      "",
      "Each fee is its own invoice, payable with the invoice it is charged on. Paying overdue invoices stops further fees.",
      "",
      f.invoicesUrl,
    ].join("\n") + textFooter("reminder", f.company);
  return { to: f.to, subject, text, html: renderEmail(<LateFeeEmail f={f} subject={subject} />) };
}
