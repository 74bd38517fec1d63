import type { EmailMessage } from "./mailer.server";

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A minimal, accessible HTML wrapper shared by every email. */
export function layout(title: string, bodyHtml: string, company: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:Arial,sans-serif;color:#111;max-width:560px;margin:0 auto;padding:24px">
<p style="font-weight:bold">${escapeHtml(company)}</p>${bodyHtml}
<p style="color:#555;font-size:12px;margin-top:32px">You received this email because someone asked to sign in to the ${escapeHtml(company)} payment portal with this address.</p>
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
  ].join("\n");
  const html = layout(
    subject,
    `<p>Hello ${escapeHtml(name)},</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Sign in to the payment portal</a></p>
<p>Or enter this code on the sign-in page: <strong style="font-size:18px;letter-spacing:2px">${escapeHtml(code)}</strong></p>
<p>The link and code work once and expire in ${minutes} minutes. If you did not ask to sign in, you can ignore this email.</p>`,
    company,
  );
  return { to, subject, text, html };
}
