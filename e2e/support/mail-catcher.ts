/**
 * A real SMTP server for the end-to-end tests (smtp-server): the portal sends to it over SMTP
 * exactly as in production, and the tests read what arrived through a small HTTP API.
 */
import { createServer } from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { e2e } from "./config";

interface CaughtMessage {
  to: string[];
  cc: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
}

const messages: CaughtMessage[] = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        const addresses = (field: typeof mail.to) => (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase()));
        messages.push({
          to: addresses(mail.to),
          cc: addresses(mail.cc),
          from: mail.from?.text ?? "",
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          html: typeof mail.html === "string" ? mail.html : "",
          receivedAt: new Date().toISOString(),
        });
        callback();
      })
      .catch((e: Error) => callback(e));
  },
});
smtp.listen(e2e.smtpPort, "127.0.0.1");

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/health") return res.end("ok");
  if (url.pathname === "/messages") {
    const to = url.searchParams.get("to")?.toLowerCase();
    res.setHeader("Content-Type", "application/json");
    return res.end(JSON.stringify(to ? messages.filter((m) => m.to.includes(to)) : messages));
  }
  res.statusCode = 404;
  res.end();
}).listen(e2e.mailApiPort, "127.0.0.1");

console.log(`mail catcher: SMTP on ${e2e.smtpPort}, API on ${e2e.mailApiPort}`);
