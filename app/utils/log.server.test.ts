import { Writable } from "node:stream";
import { afterEach, expect, it, vi } from "vitest";

// LOG_LEVEL is read on the configuration's first use, which happens inside log().
process.env.LOG_LEVEL = "warn";
const { createLogger, log } = await import("./log.server");

afterEach(() => vi.restoreAllMocks());

/** A logger at `level` whose JSON lines land in the returned array. */
function captured(level: "debug" | "info" = "debug") {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write: (line, _encoding, done) => done(void lines.push(JSON.parse(String(line)))) });
  return { lines, logger: createLogger({ level, destination }) };
}

it("writes JSON lines on stderr at or above LOG_LEVEL and drops the ones below", () => {
  const written = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  log("debug", "job ran");
  log("info", "charged");
  log("warn", "could not wake the drain", { eventId: "evt_1" });
  log("error", "charge failed");
  const lines = written.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
  expect(lines).toEqual([
    { level: "warn", time: expect.any(String), msg: "could not wake the drain", eventId: "evt_1" },
    { level: "error", time: expect.any(String), msg: "charge failed" },
  ]);
  expect(Number.isNaN(Date.parse(String(lines[0]!.time)))).toBe(false);
});

it("never writes headers that authenticate, tokens, Stripe keys or e-mail addresses", () => {
  const { lines, logger } = captured();
  logger.warn(
    {
      req: { headers: { authorization: "Bearer eipp_live_abcdef123456", cookie: "__session=s3cr3t", "stripe-signature": "t=1,v1=abc", accept: "text/html" } },
      token: "tok_from_the_link",
      payer: { email: "pat@northwind.example", id: "pyr_1" },
      error: "Invalid API Key provided: sk_live_51Habcdef; whsec_Zx9/abc= rejected for olivia@globex.example",
    },
    "sign-in mail to pat@northwind.example failed",
  );
  const line = JSON.stringify(lines[0]);
  for (const secret of ["eipp_live_abcdef123456", "s3cr3t", "v1=abc", "tok_from_the_link", "pat@", "olivia@", "sk_live_51Habcdef", "Zx9/abc="]) expect(line).not.toContain(secret);
  expect(lines[0]).toEqual({
    level: "warn",
    time: expect.any(String),
    msg: "sign-in mail to [redacted]@northwind.example failed",
    req: { headers: { authorization: "[redacted]", cookie: "[redacted]", "stripe-signature": "[redacted]", accept: "text/html" } },
    token: "[redacted]",
    payer: { email: "[redacted]", id: "pyr_1" },
    error: "Invalid API Key provided: sk_live_[redacted]; whsec_[redacted] rejected for [redacted]@globex.example",
  });
});
