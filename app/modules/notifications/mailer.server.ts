import net from "node:net";
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
  transport ??= smtpTransport(SMTP_URL);
  await transport.sendMail({ from: MAIL_FROM, ...message });
}

/**
 * One pooled transport per process: its connections stay open between messages (a connection
 * per message pays the TCP and SMTP handshakes each time) and are opened without Nagle's
 * algorithm: with it, a message's last segment waits for the ACK of the one before, which the
 * server delays by up to 40 ms — 80 emails/s instead of ~500 to a local server (see the
 * README's Benchmark). `?pool=false` in SMTP_URL opts out of the pool; nodemailer still does
 * the rest (TLS, including implicit TLS on smtps:, authentication, retries of a dropped
 * pooled connection). Exported for the bench, which measures it alone.
 */
export function smtpTransport(url: string): nodemailer.Transporter {
  const pooled = /[?&]pool=/.test(url) ? url : `${url}${url.includes("?") ? "&" : "?"}pool=true`;
  const created = nodemailer.createTransport(pooled);
  Object.assign(created.transporter, { getSocket: connectWithoutDelay });
  return created;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** nodemailer's socket hook (as for proxies): a connected TCP socket with TCP_NODELAY set. */
function connectWithoutDelay(options: { host?: string; port?: number; secure?: boolean }, callback: (err: Error | null, socketOptions?: { connection: net.Socket }) => void) {
  const socket = net.connect({ host: options.host ?? "localhost", port: Number(options.port) || (options.secure ? 465 : 587), noDelay: true });
  let settled = false;
  const settle = (err: Error | null) => {
    if (settled) return;
    settled = true;
    socket.setTimeout(0);
    socket.removeListener("error", settle);
    if (err) {
      socket.destroy();
      callback(err);
    } else callback(null, { connection: socket });
  };
  socket.setTimeout(CONNECT_TIMEOUT_MS, () => settle(Object.assign(new Error(`SMTP connection to ${options.host}:${options.port} timed out`), { code: "ETIMEDOUT" })));
  socket.once("error", settle);
  socket.once("connect", () => settle(null));
}
