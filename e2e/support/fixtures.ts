import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test as base, expect, type Page } from "@playwright/test";
import postgres from "postgres";
import { e2e } from "./config";

export const sql = postgres(e2e.databaseUrl, { max: 2, onnotice: () => {} });

export const demo = {
  pat: "pat@northwind.example",
  olivia: "olivia@globex.example",
  sam: "sam@initech.example",
  agent: "agent@acme.example",
  admin: "admin@acme.example",
};

interface CaughtMessage {
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

/** The messages the SMTP catcher received for `to`, oldest first. */
export async function mailFor(to: string): Promise<CaughtMessage[]> {
  const res = await fetch(`http://127.0.0.1:${e2e.mailApiPort}/messages?to=${encodeURIComponent(to)}`);
  return (await res.json()) as CaughtMessage[];
}

/** Waits for a new message to `to` after `count` already seen, and returns it. */
export async function waitForMail(to: string, count: number): Promise<CaughtMessage> {
  let latest: CaughtMessage | undefined;
  await expect
    .poll(async () => {
      const all = await mailFor(to);
      latest = all[count];
      return all.length;
    }, { timeout: 10_000, message: `an email to ${to}` })
    .toBeGreaterThan(count);
  return latest!;
}

export function signInLinkOf(message: CaughtMessage): string {
  const link = /https?:\/\/\S+\/login\/verify\?token=[\w-]+/.exec(message.text)?.[0];
  if (!link) throw new Error(`no sign-in link in: ${message.text}`);
  return link;
}

export function codeOf(message: CaughtMessage): string {
  const code = /code on the sign-in page: ([A-Z0-9]+)/.exec(message.text)?.[1];
  if (!code) throw new Error(`no code in: ${message.text}`);
  return code;
}

/** Asks for a sign-in link through the UI and returns the email that arrived. */
export async function requestLink(page: Page, email: string): Promise<CaughtMessage> {
  const before = (await mailFor(email)).length;
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  return waitForMail(email, before);
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core (WCAG 2.2 AA rules) on the page and fails with the violations listed. */
export async function expectAccessible(page: Page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect(violations, `accessibility violations on ${page.url()}`).toEqual([]);
}

export const test = base.extend<{ signInAs: (email: string) => Promise<void>; consoleErrors: string[] }>({
  /** Signs in without the UI: a session row and its cookie, as the sign-in flow would create. */
  signInAs: async ({ context }, use) => {
    await use(async (email: string) => {
      const [user] = await sql<{ id: string }[]>`select id from users where lower(email) = ${email.toLowerCase()}`;
      if (!user) throw new Error(`no user ${email}`);
      const raw = randomBytes(32).toString("base64url");
      const hash = createHash("sha256").update(raw).digest("hex");
      await sql`insert into sessions (id_hash, user_id, expires_at) values (${hash}, ${user.id}, now() + interval '8 hours')`;
      // Remix cookies carry base64(JSON(value)).
      const value = Buffer.from(JSON.stringify(raw)).toString("base64");
      await context.addCookies([{ name: "portal_session", value, url: e2e.appUrl, httpOnly: true, sameSite: "Lax" }]);
    });
  },
  /** Fails any test whose pages log an error (CSP violations and hydration errors included). */
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" && !/status of (400|402|403|404|409|410|422|429)/.test(msg.text())) errors.push(msg.text());
      });
      page.on("pageerror", (err) => errors.push(err.message));
      await use(errors);
      expect(errors, "console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
