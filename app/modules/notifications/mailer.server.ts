import nodemailer from "nodemailer";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import { env } from "~/env.server";

export interface EmailMessage {
  /** One address, or several separated by commas (a reminder's billing contacts). */
  to: string;
  /** Copied addresses, comma-separated (the contacts the AR team chose for reminders). */
  cc?: string;
  subject: string;
  text: string;
  html?: string;
}

let transport: nodemailer.Transporter | undefined;

/**
 * Delivers one message: over SMTP when SMTP_URL is set, otherwise into the development
 * mailbox table shown at /dev/mailbox (production always has SMTP_URL; see env.server.ts).
 */
export async function deliverEmail(message: EmailMessage): Promise<void> {
  const { SMTP_URL, MAIL_FROM } = env();
  if (!SMTP_URL) {
    const to = message.cc ? `${message.to}; cc: ${message.cc}` : message.to;
    await db.insert(devEmails).values({ to, subject: message.subject, text: message.text, html: message.html ?? null });
    return;
  }
  transport ??= nodemailer.createTransport(SMTP_URL);
  await transport.sendMail({ from: MAIL_FROM, ...message });
}
