import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { formatDate } from "~/utils/dates";

export interface ExpiringCardEmailFacts {
  to: string;
  name: string;
  company: string;
  methodsUrl: string;
  label: string;
  /** The last day the card works (ISO date). */
  expiresOn: string;
  /** What charges it, in the payer's words ("your payment plan of $300.00", "autopay", "your default payment method"). */
  uses: string[];
}

const body = (f: ExpiringCardEmailFacts) => [
  `Your card ${f.label} expires on ${formatDate(f.expiresOn)}. It is ${f.uses.join(" and ")}.`,
  "To keep payments going without a failed charge, add your new card (or another payment method) and make it the one they use:",
];

function ExpiringCardEmail({ f, subject }: { f: ExpiringCardEmailFacts; subject: string }) {
  return (
    <EmailLayout title={subject} company={f.company} reason="reminder">
      <Greeting name={f.name} />
      {body(f).map((paragraph) => (
        <Paragraph key={paragraph}>{paragraph}</Paragraph>
      ))}
      <ActionLink href={f.methodsUrl}>Review your payment methods</ActionLink>
    </EmailLayout>
  );
}

/** Once per card and expiry, to the account's billing contacts, when a card that is charged automatically is about to expire. */
export function expiringCardEmail(f: ExpiringCardEmailFacts): EmailMessage {
  const subject = `Your card ${f.label} expires soon`;
  const text = [`Hello ${f.name},`, "", ...body(f).flatMap((p) => [p, ""]), f.methodsUrl].join("\n") + textFooter("reminder", f.company);
  return { to: f.to, subject, text, html: renderEmail(<ExpiringCardEmail f={f} subject={subject} />) };
}
