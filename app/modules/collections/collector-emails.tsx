import { ActionLink, EmailLayout, Paragraph, renderEmail, textFooter } from "~/modules/notifications/email-layout";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";

export interface BrokenPromiseFacts {
  to: string;
  collectorName: string;
  company: string;
  accountName: string;
  accountUrl: string;
  amount: number;
  paidSince: number;
  currency: string;
  promisedFor: string;
}

/** Tells an account's collector that its promise to pay was broken (reminders resume today). */
export function brokenPromiseEmail(f: BrokenPromiseFacts): EmailMessage {
  const subject = `${f.accountName} broke its promise to pay ${formatMoney(f.amount, f.currency)} by ${formatDate(f.promisedFor)}`;
  const paragraphs = [
    `Hello ${f.collectorName},`,
    `${f.accountName} promised ${formatMoney(f.amount, f.currency)} by ${formatDate(f.promisedFor)} and has paid ${formatMoney(f.paidSince, f.currency)} of it. Reminders resume today, and a follow-up task is on your worklist.`,
  ];
  const html = renderEmail(
    <EmailLayout title={subject} company={f.company} reason="collector">
      {paragraphs.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      <ActionLink href={f.accountUrl}>Open the account</ActionLink>
    </EmailLayout>,
  );
  return { to: f.to, subject, text: [...paragraphs, `Open the account: ${f.accountUrl}`].join("\n\n") + textFooter("collector", f.company), html };
}
