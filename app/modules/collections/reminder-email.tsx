import { Column, Row, Section, Text } from "@react-email/components";
import { EmailLayout, Paragraph, PrimaryButton, renderEmail, textFooter } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { offerSentence } from "~/modules/terms/payment-terms";
import type { DiscountOffer } from "~/modules/terms/quote-rules";
import { fillTemplate, type TemplateValues } from "./steps";

/** One invoice a reminder names, with what is asked for today. */
export interface ReminderLine {
  number: string;
  dueDate: string;
  /** Days past the due date (negative: due in that many days). */
  daysLate: number;
  amountDue: number;
  /** Held in an open dispute: not asked for. */
  amountOnHold: number;
  /** Its early-payment offer on the day the email goes out, if any. */
  offer?: DiscountOffer | null;
}

export interface ReminderEmailFacts {
  to: string;
  cc?: string;
  company: string;
  accountName: string;
  currency: string;
  /** The step's template (the most advanced step among the invoices). */
  subject: string;
  body: string;
  lines: ReminderLine[];
  payUrl: string;
  payLinkExpiresOn: string;
  portalUrl: string;
}

const cell = { fontSize: "13px", lineHeight: "18px", padding: "4px 0", borderBottom: "1px solid #e5e7eb" };

function lateness(days: number): string {
  if (days === 0) return "due today";
  if (days < 0) return `due in ${-days} day${days === -1 ? "" : "s"}`;
  return `${days} day${days === 1 ? "" : "s"} late`;
}

export function templateValues(f: Pick<ReminderEmailFacts, "accountName" | "company" | "currency" | "lines">): TemplateValues {
  const total = f.lines.reduce((sum, l) => sum + l.amountDue, 0);
  return {
    account_name: f.accountName,
    company_name: f.company,
    total_due: formatMoney(total, f.currency),
    invoice_count: String(f.lines.length),
    days_late: String(Math.max(0, ...f.lines.map((l) => l.daysLate))),
    discount_offer: f.lines.flatMap((l) => (l.offer ? [offerLine(l, f.currency)] : [])).join(" "),
  };
}

/** "Pay USD 980.00 by Dec 16, 2026 and save USD 20.00 on invoice INV-1." */
const offerLine = (l: ReminderLine, currency: string) => `${offerSentence(l.offer!, currency)} on invoice ${l.number}.`;

function ReminderEmail({ f, subject, body }: { f: ReminderEmailFacts; subject: string; body: string }) {
  const total = f.lines.reduce((sum, l) => sum + l.amountDue, 0);
  const held = f.lines.filter((l) => l.amountOnHold > 0);
  return (
    <EmailLayout title={subject} company={f.company} reason="reminder">
      <Paragraph>{`Hello ${f.accountName},`}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <Section>
        {f.lines.map((l) => (
          <Row key={l.number}>
            <Column style={cell}>{`Invoice ${l.number}`}</Column>
            <Column style={{ ...cell, color: "#555" }}>{`due ${formatDate(l.dueDate)}, ${lateness(l.daysLate)}`}</Column>
            <Column style={{ ...cell, textAlign: "right" }}>{formatMoney(l.amountDue, f.currency)}</Column>
          </Row>
        ))}
        {f.lines
          .filter((l) => l.offer)
          .map((l) => (
            <Row key={`offer-${l.number}`}>
              <Column colSpan={3} style={{ ...cell, color: "#065f46", fontWeight: "bold" }}>
                {offerLine(l, f.currency)}
              </Column>
            </Row>
          ))}
        <Row>
          <Column style={{ ...cell, fontWeight: "bold" }}>Total due</Column>
          <Column style={cell} />
          <Column style={{ ...cell, textAlign: "right", fontWeight: "bold" }}>{formatMoney(total, f.currency)}</Column>
        </Row>
      </Section>
      {held.map((l) => (
        <Paragraph key={l.number}>{holdSentence(l, f.currency)}</Paragraph>
      ))}
      <PrimaryButton href={f.payUrl}>{`Pay ${formatMoney(total, f.currency)}`}</PrimaryButton>
      <Text style={{ fontSize: "12px", color: "#555", margin: "0 0 14px" }}>{payLinkSentence(f)}</Text>
      <Paragraph>{`Already paid? Thank you — please ignore this reminder. To see your whole account, sign in at ${f.portalUrl}.`}</Paragraph>
    </EmailLayout>
  );
}

const holdSentence = (l: ReminderLine, currency: string) =>
  `${formatMoney(l.amountOnHold, currency)} of invoice ${l.number} is on hold while your dispute is open; it is not included above.`;

const payLinkSentence = (f: ReminderEmailFacts) => `This link pays only the invoices above, without signing in, until ${formatDate(f.payLinkExpiresOn)}.`;

/** The grouped reminder one account gets on one day: its invoices at a step, one pay link. */
export function reminderEmail(f: ReminderEmailFacts): EmailMessage {
  const values = templateValues(f);
  const subject = fillTemplate(f.subject, values);
  const body = fillTemplate(f.body, values);
  const text =
    [
      `Hello ${f.accountName},`,
      "",
      body,
      "",
      ...f.lines.map((l) => `Invoice ${l.number}, due ${formatDate(l.dueDate)}, ${lateness(l.daysLate)}: ${formatMoney(l.amountDue, f.currency)}`),
      `Total due: ${values.total_due}`,
      ...f.lines.filter((l) => l.offer).map((l) => offerLine(l, f.currency)),
      ...f.lines.filter((l) => l.amountOnHold > 0).flatMap((l) => ["", holdSentence(l, f.currency)]),
      "",
      `Pay now: ${f.payUrl}`,
      payLinkSentence(f),
      "",
      `Already paid? Thank you — please ignore this reminder. To see your whole account, sign in at ${f.portalUrl}.`,
    ].join("\n") + textFooter("reminder", f.company);
  return { to: f.to, ...(f.cc ? { cc: f.cc } : {}), subject, text, html: renderEmail(<ReminderEmail f={f} subject={subject} body={body} />) };
}
