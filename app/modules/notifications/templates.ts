import type { EmailMessage } from "./mailer.server";

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Why the addressee gets a kind of email: said at its foot, so each one says its own reason. */
export type EmailReason = "sign-in" | "payment" | "refund" | "dispute" | "plan" | "ar-admin";

export function footer(reason: EmailReason, company: string): string {
  const portal = `the ${company} payment portal`;
  switch (reason) {
    case "sign-in":
      return `You received this email because someone asked to sign in to ${portal} with this address.`;
    case "payment":
      return `You received this email because you made a payment in ${portal}.`;
    case "refund":
      return `You received this email because ${company} refunded a payment you made in ${portal}.`;
    case "dispute":
      return `You received this email because you disputed an invoice of your account in ${portal}.`;
    case "plan":
      return `You received this email because you set up a payment plan in ${portal}.`;
    case "ar-admin":
      return `You received this email because you are an accounts receivable administrator of ${portal}.`;
  }
}

/** The plain-text part's foot, under a signature separator. */
export const textFooter = (reason: EmailReason, company: string) => `\n\n-- \n${footer(reason, company)}`;

/** A minimal, accessible HTML wrapper shared by every email, with the footer of its kind. */
export function layout(title: string, bodyHtml: string, company: string, reason: EmailReason): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:Arial,sans-serif;color:#111;max-width:560px;margin:0 auto;padding:24px">
<p style="font-weight:bold">${escapeHtml(company)}</p>${bodyHtml}
<p style="color:#555;font-size:12px;margin-top:32px">${escapeHtml(footer(reason, company))}</p>
</body></html>`;
}

export function signInEmail(input: { to: string; name: string; link: string; code: string; minutes: number; company: string }): EmailMessage {
  const { to, name, link, code, minutes, company } = input;
  const subject = `Your sign-in link for ${company}`;
  const text = [
    `Hello ${name},`,
    "",
    `Open this link to sign in to the ${company} payment portal:`,
    link,
    "",
    `Or enter this code on the sign-in page: ${code}`,
    "",
    `The link and code work once and expire in ${minutes} minutes.`,
    "If you did not ask to sign in, you can ignore this email.",
  ].join("\n") + textFooter("sign-in", company);
  const html = layout(
    subject,
    `<p>Hello ${escapeHtml(name)},</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Sign in to the payment portal</a></p>
<p>Or enter this code on the sign-in page: <strong style="font-size:18px;letter-spacing:2px">${escapeHtml(code)}</strong></p>
<p>The link and code work once and expire in ${minutes} minutes. If you did not ask to sign in, you can ignore this email.</p>`,
    company,
    "sign-in",
  );
  return { to, subject, text, html };
}
