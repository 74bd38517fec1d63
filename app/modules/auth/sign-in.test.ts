import { eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loginTokens, sessions } from "#db/schema/auth";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import { isProblem, type Problem } from "~/utils/problem";
import { drainJobs, requestWithCookie, testData } from "../../../test/helpers";
import { requestSignInLink } from "./request-sign-in-link.server";
import { signInWithCode, signInWithLink, signOut, type SignedInSession } from "./sign-in.server";
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

/** Each test signs in people it made: a payer of two accounts, other payers, staff. */
let make: Awaited<ReturnType<typeof testData>>;
const newPayer = async () => (await make.payer()).user.email;
const session = (result: SignedInSession | Problem): SignedInSession => {
  if (isProblem(result)) throw new Error(`sign-in failed: ${result.message}`);
  return result;
};
const linkProblem = (code: "used" | "expired" | "invalid") => ({ kind: "invalid", code });
beforeAll(async () => {
  make = await testData();
});
beforeEach(async () => {
  await db.execute(sql`delete from rate_limits`);
});

describe("magic-link sign-in", () => {
  it("emails a link and a code, stores only hashes, and signs in once", async () => {
    const [first, second] = [await make.account({ name: "A Co" }), await make.account({ name: "B Co" })];
    const pat = (await make.payer({ accounts: [first, second] })).user;
    const { mail, token, code } = await emailedCredentials(pat.email);
    expect(mail.text).toContain("http://localhost:3999/login/verify?token=");
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const stored = await db.select().from(loginTokens).where(eq(loginTokens.email, pat.email));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(code);

    const signed = session(await signInWithLink({ token, ...client }));
    expect(signed.home).toBe("/invoices");
    const signedIn = await getSignedIn(requestWithCookie(signed.setCookie));
    expect(signedIn?.user.email).toBe(pat.email);
    expect(signedIn?.accounts.map((a) => a.number)).toEqual([first.number, second.number]);

    expect(await signInWithLink({ token, ...client })).toMatchObject({ ...linkProblem("used"), message: "This sign-in link has already been used, or a newer link was sent. Each link works once." });
  });

  it("lets exactly one of two racing POSTs of the same link through", async () => {
    const { token } = await emailedCredentials(await newPayer());
    const results = await Promise.all([signInWithLink({ token, ...client }), signInWithLink({ token, ...client })]);
    expect(results.filter((r) => !isProblem(r))).toHaveLength(1);
  });

  it("refuses an expired link and a tampered one", async () => {
    const sam = await newPayer();
    const { token } = await emailedCredentials(sam);
    await db.update(loginTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(loginTokens.email, sam));
    expect(await signInWithLink({ token, ...client })).toMatchObject({ ...linkProblem("expired"), message: "This sign-in link has expired. Links work for 10 minutes." });
    expect(await signInWithLink({ token: `${token.slice(0, -1)}x`, ...client })).toMatchObject(linkProblem("invalid"));
  });

  it("sets a token lifetime of at most 10 minutes", async () => {
    const gus = await newPayer();
    await emailedCredentials(gus);
    const [row] = await db.execute<{ minutes: number }>(sql`select extract(epoch from expires_at - created_at) / 60 as minutes from login_tokens where email = ${gus}`);
    expect(Number(row!.minutes)).toBeLessThanOrEqual(10);
    expect(Number(row!.minutes)).toBeGreaterThan(9);
  });

  it("makes a new link replace the previous one", async () => {
    const pat = await newPayer();
    const older = await emailedCredentials(pat);
    const newer = await emailedCredentials(pat);
    expect(await signInWithLink({ token: older.token, ...client })).toMatchObject(linkProblem("used"));
    session(await signInWithLink({ token: newer.token, ...client }));
  });

  it("answers an unknown email exactly like a known one, and sends nothing", async () => {
    const before = await db.select().from(devEmails);
    expect(await requestSignInLink({ email: "nobody@nowhere.example", ip: client.ip })).toEqual({ sent: true });
    await drainJobs();
    expect(await db.select().from(devEmails)).toHaveLength(before.length);
    expect(await db.select().from(loginTokens).where(eq(loginTokens.email, "nobody@nowhere.example"))).toHaveLength(0);
  });

  it("staff land in /admin", async () => {
    const { token } = await emailedCredentials((await make.staff()).email);
    expect(session(await signInWithLink({ token, ...client })).home).toBe("/admin");
  });
});

describe("sign-in code", () => {
  it("signs in with the code typed loosely (lower case, spaces) and only once", async () => {
    const olivia = await newPayer();
    const { code } = await emailedCredentials(olivia);
    const typed = `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`;
    session(await signInWithCode({ email: olivia, code: typed, ...client }));
    expect(await signInWithCode({ email: olivia, code, ...client })).toMatchObject({ kind: "invalid" });
  });

  it("kills the code after 5 wrong guesses, even if the 6th is right", async () => {
    const sam = await newPayer();
    const { code } = await emailedCredentials(sam);
    const wrong = "That code is not right, or it has expired. Check the newest email from us, or request a new link.";
    for (let i = 0; i < 5; i++) {
      expect(await signInWithCode({ email: sam, code: "WRONGWRG", ...client })).toMatchObject({ kind: "invalid", message: wrong, fields: { code: wrong } });
    }
    expect(await signInWithCode({ email: sam, code, ...client })).toMatchObject({ kind: "invalid" });
  });

  it("does not accept one person's code for another email", async () => {
    const { code } = await emailedCredentials(await newPayer());
    const olivia = await newPayer();
    await emailedCredentials(olivia);
    expect(await signInWithCode({ email: olivia, code, ...client })).toMatchObject({ kind: "invalid" });
  });
});

describe("rate limits", () => {
  it("limits link requests per email, whoever asks", async () => {
    const pat = await newPayer();
    for (let i = 0; i < 5; i++) expect(await requestSignInLink({ email: pat, ip: `198.51.100.${i}` })).toEqual({ sent: true });
    const limited = await requestSignInLink({ email: pat, ip: "198.51.100.99" });
    expect(limited).toMatchObject({ kind: "rate_limited", message: expect.stringMatching(/^Too many sign-in requests\. For your security, please wait \d+ minutes before asking for another link\.$/) });
    expect(isProblem(limited) && limited.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("limits link requests per IP across emails", async () => {
    for (let i = 0; i < 30; i++) await requestSignInLink({ email: `person${i}@spray.example`, ip: "192.0.2.50" });
    expect(await requestSignInLink({ email: "fresh@spray.example", ip: "192.0.2.50" })).toMatchObject({ kind: "rate_limited" });
    expect(await requestSignInLink({ email: "fresh@spray.example", ip: "192.0.2.51" })).toEqual({ sent: true });
  });

  it("opens again once the window has passed", async () => {
    const olivia = await newPayer();
    for (let i = 0; i < 6; i++) await requestSignInLink({ email: olivia, ip: client.ip });
    expect(await requestSignInLink({ email: olivia, ip: client.ip })).toMatchObject({ kind: "rate_limited" });
    await db.execute(sql`update rate_limits set window_start = now() - interval '16 minutes'`);
    expect(await requestSignInLink({ email: olivia, ip: client.ip })).toEqual({ sent: true });
  });

  it("keeps no email addresses or IPs in the counter table", async () => {
    const pat = await newPayer();
    await requestSignInLink({ email: pat, ip: client.ip });
    const rows = JSON.stringify(await db.execute(sql`select key from rate_limits`));
    expect(rows).not.toContain(pat.split("@")[0]!);
    expect(rows).not.toContain(client.ip);
  });
});

describe("sessions", () => {
  async function signIn(email: string) {
    const { token } = await emailedCredentials(email);
    return session(await signInWithLink({ token, ...client })).setCookie;
  }

  it("stores only a hash of the session id, and the cookie is HttpOnly and SameSite=Lax", async () => {
    const cookie = await signIn(await newPayer());
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const raw = JSON.parse(Buffer.from(decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!), "base64").toString()) as string;
    const rows = JSON.stringify(await db.select().from(sessions));
    expect(rows).not.toContain(raw);
  });

  it("ends a payer session idle for more than 30 minutes", async () => {
    const cookie = await signIn(await newPayer());
    await db.execute(sql`update sessions set last_seen_at = now() - interval '29 minutes'`);
    expect(await getSignedIn(requestWithCookie(cookie))).not.toBeNull();
    await db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes'`);
    expect(await getSignedIn(requestWithCookie(cookie))).toBeNull();
  });

  it("ends a staff session idle for more than 15 minutes", async () => {
    const cookie = await signIn((await make.staff("ar_admin")).email);
    await db.execute(sql`update sessions set last_seen_at = now() - interval '16 minutes'`);
    expect(await getSignedIn(requestWithCookie(cookie))).toBeNull();
  });

  it("ends any session past its absolute lifetime, however active", async () => {
    const cookie = await signIn(await newPayer());
    await db.execute(sql`update sessions set expires_at = now() - interval '1 second', last_seen_at = now()`);
    expect(await getSignedIn(requestWithCookie(cookie))).toBeNull();
  });
});

describe("sign-out", () => {
  it("deletes the session row so the same cookie no longer works, and audits it", async () => {
    const gus = (await make.payer()).user;
    const { token } = await emailedCredentials(gus.email);
    const result = session(await signInWithLink({ token, ...client }));
    const request = requestWithCookie(result.setCookie);
    const cleared = await signOut(request, client.ip);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(await getSignedIn(requestWithCookie(result.setCookie))).toBeNull();
    const audit = await db.execute(sql`select action from audit_log where action = 'auth.signed_out' and actor_user_id = ${gus.id}`);
    expect(audit.length).toBe(1);
  });
});
