/**
 * The SMTP limit, run as its own process (as the portal's worker is): nodemailer sends the given
 * pre-rendered messages to the bench's sink, `concurrency` at a time, and prints
 * { messages, seconds, perSecond, failed } as JSON. Transports: `portal` (the portal's own:
 * pooled, without Nagle), `pool` (nodemailer's pool as it comes), `unpooled` (a connection per
 * message, nodemailer's default and the portal's before the bench).
 * Usage: tsx bench/smtp-limit.ts <messages.json> <count> <concurrency> <portal|pool|unpooled> <smtp-url>
 */
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import { smtpTransport } from "~/modules/notifications/mailer.server";

const [file, countArg, concurrencyArg, mode, url] = process.argv.slice(2);
if (!file || !countArg || !concurrencyArg || !mode || !url) throw new Error("usage: smtp-limit.ts <messages.json> <count> <concurrency> <portal|pool|unpooled> <smtp-url>");
const messages = JSON.parse(readFileSync(file, "utf8")) as Array<{ from: string; to: string; cc?: string; subject: string; text: string; html?: string }>;
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const transport = mode === "portal" ? smtpTransport(url) : nodemailer.createTransport(mode === "pool" ? `${url}?pool=true` : url);

let next = 0;
let failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const message = messages[next++ % messages.length]!;
      await transport.sendMail(message).catch(() => failed++);
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
transport.close();
console.log(JSON.stringify({ messages: count, failed, seconds, perSecond: (count - failed) / seconds }));
