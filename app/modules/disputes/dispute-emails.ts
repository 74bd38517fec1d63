import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { escapeHtml, layout, textFooter } from "~/modules/notifications/templates";

export interface DisputeEmailFacts {
  to: string;
  name: string;
  company: string;
  invoiceNumber: string;
  disputeUrl: string;
}


function compose(f: DisputeEmailFacts, subject: string, paragraphs: string[]): EmailMessage {
  const text = [`Hello ${f.name},`, "", ...paragraphs.flatMap((p) => [p, ""]), `Follow your dispute here: ${f.disputeUrl}`].join("\n") + textFooter("dispute", f.company);
  const html = layout(
    subject,
    `<p>Hello ${escapeHtml(f.name)},</p>${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`).join("")}<p><a href="${escapeHtml(f.disputeUrl)}">View your dispute</a></p>`,
    f.company,
    "dispute",
  );
  return { to: f.to, subject, text, html };
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
