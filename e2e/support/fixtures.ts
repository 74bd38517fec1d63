import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test as base, expect, type Page } from "@playwright/test";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "#db/schema/index";
import { factories, type Factories } from "../../test/factories";
import { e2e } from "./config";

export const sql = postgres(e2e.databaseUrl, { max: 2, onnotice: () => {} });

/**
 * Test data over the specs' own connection, with the portal's schema: each spec makes the
 * accounts, payers, staff, invoices and disputes it needs (unique names and numbers), so no spec
 * reads the demo seed or another spec's rows, and specs pass in any order.
 */
// Drizzle gets a client of its own: it replaces its client's date and JSON (de)serializers, which
// the specs' raw `sql` relies on.
export const data: Factories = factories(drizzle(postgres(e2e.databaseUrl, { max: 2, onnotice: () => {} }), { schema, casing: "snake_case" }));

/**
 * The path of a pay link's page, signed as the portal signs it (payLinkToken in
 * app/modules/collections/pay-link-token.server.ts: the id and an HMAC of "pay-link\n<id>").
 */
export function payLinkPath(payLinkId: string): string {
  const mac = createHmac("sha256", e2e.sessionSecret).update(`pay-link\n${payLinkId}`).digest("base64url").slice(0, 32);
  return `/pay-link/${payLinkId}.${mac}`;
}

/** A short random tag for names a spec searches for or sorts by ("Alder 3f9a01bc"). */
export const tag = () => randomBytes(4).toString("hex");

/** Someone `signInAs` can sign in: a created user, or an email of one. */
type Person = { id: string; email: string } | string;

interface CaughtMessage {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
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

/**
 * A session for `who` as the sign-in flow creates it (a sessions row keyed by the hash of a random
 * id; the cookie carries the id), with `account` active when given. Returns the cookie's value.
 */
export async function createSession(who: Person, options: { account?: { id: string } } = {}): Promise<string> {
  const userId = typeof who === "string" ? (await sql<{ id: string }[]>`select id from users where lower(email) = ${who.toLowerCase()}`)[0]?.id : who.id;
  if (!userId) throw new Error(`no user ${String(who)}`);
  const raw = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(raw).digest("hex");
  await sql`insert into sessions (id_hash, user_id, active_account_id, expires_at) values (${hash}, ${userId}, ${options.account?.id ?? null}, now() + interval '8 hours')`;
  // Remix cookies carry base64(JSON(value)).
  return Buffer.from(JSON.stringify(raw)).toString("base64");
}

/** The Cookie header of a new session for `who` (for requests made outside the browser). */
export async function sessionCookie(who: Person, options: { account?: { id: string } } = {}): Promise<string> {
  return `portal_session=${encodeURIComponent(await createSession(who, options))}`;
}

/**
 * The moment every queued job has run: the job queue (graphile-worker) holds no job that is due
 * now. A spec that asserts something did NOT happen (no mail) waits for this first, so it cannot
 * pass only because the job had not run yet.
 */
export async function waitForJobs(options: { task?: string; timeout?: number } = {}) {
  await expect
    .poll(
      async () =>
        (
          await sql<{ n: number }[]>`
            select count(*)::int as n from graphile_worker.jobs
            where run_at <= now() and attempts < max_attempts and (${options.task ?? null}::text is null or task_identifier = ${options.task ?? null})`
        )[0]!.n,
      { timeout: options.timeout ?? 15_000, message: `the job queue to hold no ${options.task ?? ""} job that is due` },
    )
    .toBe(0);
}

export const test = base.extend<{ signInAs: (who: Person, options?: { account?: { id: string } }) => Promise<void>; consoleErrors: string[] }>({
  /**
   * Signs in without the UI: a session row and its cookie, as the sign-in flow would create.
   * Signing in itself (link, code, expiry, reuse, rate limits) is tested through real emails in
   * sign-in.spec.ts; every other spec starts signed in, so it does not depend on the mail
   * catcher, the job queue or the sign-in rate limit.
   */
  signInAs: async ({ context }, use) => {
    await use(async (who, options) => {
      const value = await createSession(who, options);
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
