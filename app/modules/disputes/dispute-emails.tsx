import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";

export interface DisputeEmailFacts {
  to: string;
  cc?: string;
  name: string;
  company: string;
  invoiceNumber: string;
  disputeUrl: string;
}


/** Every email to the payer about their dispute: what happened, and the link to follow it. */
export function DisputeEmail({ f, subject, paragraphs }: { f: DisputeEmailFacts; subject: string; paragraphs: string[] }) {
  return (
    <EmailLayout title={subject} company={f.company} reason="dispute">
      <Greeting name={f.name} />
      {paragraphs.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <ActionLink href={f.disputeUrl}>View your dispute</ActionLink>
    </EmailLayout>
  );
}

function compose(f: DisputeEmailFacts, subject: string, paragraphs: string[]): EmailMessage {
  const text = [`Hello ${f.name},`, "", ...paragraphs.flatMap((p) => [p, ""]), `Follow your dispute here: ${f.disputeUrl}`].join("\n") + textFooter("dispute", f.company);
  return { to: f.to, ...(f.cc ? { cc: f.cc } : {}), subject, text, html: renderEmail(<DisputeEmail f={f} subject={subject} paragraphs={paragraphs} />) };
}

export const disputeReceivedEmail = (f: DisputeEmailFacts & { amount: string; dueBy: string }) =>
  compose(f, `We received your dispute of invoice ${f.invoiceNumber}`, [
    `We received your dispute of ${f.amount} on invoice ${f.invoiceNumber}. Our accounts receivable team will respond by ${f.dueBy}.`,
    "The disputed amount is on hold: you do not need to pay it while we look into it. The rest of the invoice can still be paid.",
  ]);

export const disputeReplyEmail = (f: DisputeEmailFacts & { body: string }) =>
  compose(f, `Reply about your dispute of invoice ${f.invoiceNumber}`, [`Our team replied:`, f.body]);

export const disputeInfoRequestedEmail = (f: DisputeEmailFacts & { body: string }) =>
  compose(f, `We need more information about invoice ${f.invoiceNumber}`, [`To continue with your dispute we need more information:`, f.body, "Reply from the portal; you can attach files."]);

export const disputeResolvedEmail = (f: DisputeEmailFacts & { outcome: string; note: string }) =>
  compose(f, `Your dispute of invoice ${f.invoiceNumber} is ${f.outcome.startsWith("We credited") ? "resolved" : "closed"}`, [f.outcome, f.note]);
