import { eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loginTokens, sessions } from "#db/schema/auth";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import { drainJobs, requestWithCookie, seed } from "../../../test/helpers";
import { requestSignInLink } from "./request-sign-in-link.server";
import { signInWithCode, signInWithLink, signOut } from "./sign-in.server";
import { getSignedIn } from "./session.server";

const client = { ip: "203.0.113.7", userAgent: "vitest" };

async function emailedCredentials(email: string) {
  await requestSignInLink({ email, ip: client.ip });
  await drainJobs();
  const [mail] = await db.select().from(devEmails).where(eq(devEmails.to, email)).orderBy(sql`created_at desc`).limit(1);
  if (!mail) throw new Error("no email");
  return {
    mail,
    token: /token=([\w-]+)/.exec(mail.text)![1]!,
    code: /sign-in page: ([A-Z0-9]+)/.exec(mail.text)![1]!,
  };
}

beforeAll(seed);
beforeEach(async () => {
  await db.execute(sql`delete from rate_limits`);
});

describe("magic-link sign-in", () => {
  it("emails a link and a code, stores only hashes, and signs in once", async () => {
    const { mail, token, code } = await emailedCredentials("pat@northwind.example");
    expect(mail.text).toContain("http://localhost:3999/login/verify?token=");
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const stored = await db.execute(sql`select * from login_tokens`);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(code);

    const first = await signInWithLink({ token, ...client });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.home).toBe("/invoices");
    const signedIn = await getSignedIn(requestWithCookie(first.setCookie));
    expect(signedIn?.user.email).toBe("pat@northwind.example");
    expect(signedIn?.accounts.map((a) => a.number)).toEqual(["C-1001", "C-1002"]);

    expect(await signInWithLink({ token, ...client })).toEqual({ ok: false, reason: "used" });
  });

  it("lets exactly one of two racing POSTs of the same link through", async () => {
    const { token } = await emailedCredentials("olivia@globex.example");
    const results = await Promise.all([signInWithLink({ token, ...client }), signInWithLink({ token, ...client })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses an expired link and a tampered one", async () => {
    const { token } = await emailedCredentials("sam@initech.example");
    await db.update(loginTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(loginTokens.email, "sam@initech.example"));
    expect(await signInWithLink({ token, ...client })).toEqual({ ok: false, reason: "expired" });
    expect(await signInWithLink({ token: `${token.slice(0, -1)}x`, ...client })).toEqual({ ok: false, reason: "invalid" });
  });

  it("sets a token lifetime of at most 10 minutes", async () => {
    await emailedCredentials("gus@globex.example");
    const [row] = await db.execute<{ minutes: number }>(
      sql`select extract(epoch from expires_at - created_at) / 60 as minutes from login_tokens where email = 'gus@globex.example'`,
    );
    expect(Number(row!.minutes)).toBeLessThanOrEqual(10);
    expect(Number(row!.minutes)).toBeGreaterThan(9);
  });

  it("makes a new link replace the previous one", async () => {
    const older = await emailedCredentials("pat@northwind.example");
    const newer = await emailedCredentials("pat@northwind.example");
    expect(await signInWithLink({ token: older.token, ...client })).toEqual({ ok: false, reason: "used" });
    expect((await signInWithLink({ token: newer.token, ...client })).ok).toBe(true);
  });

  it("answers an unknown email exactly like a known one, and sends nothing", async () => {
    const before = await db.select().from(devEmails);
    expect(await requestSignInLink({ email: "nobody@nowhere.example", ip: client.ip })).toEqual({ status: "sent" });
    await drainJobs();
    expect(await db.select().from(devEmails)).toHaveLength(before.length);
    expect(await db.select().from(loginTokens).where(eq(loginTokens.email, "nobody@nowhere.example"))).toHaveLength(0);
  });

  it("staff land in /admin", async () => {
    const { token } = await emailedCredentials("agent@acme.example");
    const result = await signInWithLink({ token, ...client });
    expect(result.ok && result.home).toBe("/admin");
  });
});

describe("sign-in code", () => {
  it("signs in with the code typed loosely (lower case, spaces) and only once", async () => {
    const { code } = await emailedCredentials("olivia@globex.example");
    const typed = `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`;
    expect((await signInWithCode({ email: "olivia@globex.example", code: typed, ...client })).ok).toBe(true);
    expect((await signInWithCode({ email: "olivia@globex.example", code, ...client })).ok).toBe(false);
  });

  it("kills the code after 5 wrong guesses, even if the 6th is right", async () => {
    const { code } = await emailedCredentials("sam@initech.example");
    for (let i = 0; i < 5; i++) {
      expect(await signInWithCode({ email: "sam@initech.example", code: "WRONGWRG", ...client })).toEqual({ ok: false, reason: "invalid" });
    }
    expect((await signInWithCode({ email: "sam@initech.example", code, ...client })).ok).toBe(false);
  });

  it("does not accept one person's code for another email", async () => {
    const { code } = await emailedCredentials("gus@globex.example");
    expect((await signInWithCode({ email: "olivia@globex.example", code, ...client })).ok).toBe(false);
  });
});

describe("rate limits", () => {
  it("limits link requests per email, whoever asks", async () => {
    for (let i = 0; i < 5; i++) expect((await requestSignInLink({ email: "pat@northwind.example", ip: `198.51.100.${i}` })).status).toBe("sent");
    const limited = await requestSignInLink({ email: "pat@northwind.example", ip: "198.51.100.99" });
    expect(limited.status).toBe("rate_limited");
    expect(limited.status === "rate_limited" && limited.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("limits link requests per IP across emails", async () => {
    for (let i = 0; i < 30; i++) await requestSignInLink({ email: `person${i}@spray.example`, ip: "192.0.2.50" });
    expect((await requestSignInLink({ email: "fresh@spray.example", ip: "192.0.2.50" })).status).toBe("rate_limited");
    expect((await requestSignInLink({ email: "fresh@spray.example", ip: "192.0.2.51" })).status).toBe("sent");
  });

  it("opens again once the window has passed", async () => {
    for (let i = 0; i < 6; i++) await requestSignInLink({ email: "olivia@globex.example", ip: client.ip });
    expect((await requestSignInLink({ email: "olivia@globex.example", ip: client.ip })).status).toBe("rate_limited");
    await db.execute(sql`update rate_limits set window_start = now() - interval '16 minutes'`);
    expect((await requestSignInLink({ email: "olivia@globex.example", ip: client.ip })).status).toBe("sent");
  });

  it("keeps no email addresses or IPs in the counter table", async () => {
    await requestSignInLink({ email: "pat@northwind.example", ip: client.ip });
    const rows = JSON.stringify(await db.execute(sql`select key from rate_limits`));
    expect(rows).not.toContain("northwind");
    expect(rows).not.toContain(client.ip);
  });
});

describe("sessions", () => {
  async function signIn(email: string) {
    const { token } = await emailedCredentials(email);
    const result = await signInWithLink({ token, ...client });
    if (!result.ok) throw new Error("sign-in failed");
    return result.setCookie;
  }

  it("stores only a hash of the session id, and the cookie is HttpOnly and SameSite=Lax", async () => {
    const cookie = await signIn("pat@northwind.example");
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const raw = JSON.parse(Buffer.from(decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!), "base64").toString()) as string;
    const rows = JSON.stringify(await db.select().from(sessions));
    expect(rows).not.toContain(raw);
  });

  it("ends a payer session idle for more than 30 minutes", async () => {
    const cookie = await signIn("olivia@globex.example");
    await db.execute(sql`update sessions set last_seen_at = now() - interval '29 minutes'`);
    expect(await getSignedIn(requestWithCookie(cookie))).not.toBeNull();
    await db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes'`);
    expect(await getSignedIn(requestWithCookie(cookie))).toBeNull();
  });

  it("ends a staff session idle for more than 15 minutes", async () => {
    const cookie = await signIn("admin@acme.example");
    await db.execute(sql`update sessions set last_seen_at = now() - interval '16 minutes'`);
    expect(await getSignedIn(requestWithCookie(cookie))).toBeNull();
  });

  it("ends any session past its absolute lifetime, however active", async () => {
    const cookie = await signIn("sam@initech.example");
    await db.execute(sql`update sessions set expires_at = now() - interval '1 second', last_seen_at = now()`);
    expect(await getSignedIn(requestWithCookie(cookie))).toBeNull();
  });
});

describe("sign-out", () => {
  it("deletes the session row so the same cookie no longer works, and audits it", async () => {
    const { token } = await emailedCredentials("gus@globex.example");
    const result = await signInWithLink({ token, ...client });
    if (!result.ok) throw new Error("sign-in failed");
    const request = requestWithCookie(result.setCookie);
    const cleared = await signOut(request, client.ip);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(await getSignedIn(requestWithCookie(result.setCookie))).toBeNull();
    const audit = await db.execute(sql`select action from audit_log where action = 'auth.signed_out'`);
    expect(audit.length).toBe(1);
  });
});
