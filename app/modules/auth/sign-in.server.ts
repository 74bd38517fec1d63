import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { loginTokens } from "#db/schema/auth";
import { db, type Tx } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { minutesText } from "~/utils/minutes";
import { invalid, rateLimited, type Problem } from "~/utils/problem";
import { MAX_CODE_ATTEMPTS, isStaff } from "./policy";
import { hitRateLimit, signInLimits } from "./rate-limit.server";
import { createSession } from "./session.server";
import { hashCode, safeEqual, sha256 } from "./secrets.server";

/** A new session: the cookie to set and where the person lands. */
export type SignedInSession = { setCookie: string; home: "/admin" | "/invoices" };

/** Why a link did not sign in (the Problem's `code`), each with the words the page shows. */
export const linkFailures = {
  invalid: "This sign-in link is not valid. It may have been copied incompletely.",
  used: "This sign-in link has already been used, or a newer link was sent. Each link works once.",
  expired: "This sign-in link has expired. Links work for 10 minutes.",
} as const;
export type LinkFailure = keyof typeof linkFailures;
export const CODE_NOT_RIGHT = "That code is not right, or it has expired. Check the newest email from us, or request a new link.";

interface Client {
  ip: string | null;
  userAgent: string | null;
}

async function startSession(tx: Tx, userId: string, via: "link" | "code", client: Client): Promise<SignedInSession> {
  const [user] = await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, userId)).returning();
  const setCookie = await createSession(tx, { user: user!, ...client });
  await recordAudit(tx, { actorUserId: userId, actorType: "user", action: "auth.signed_in", subjectType: "user", subjectId: userId, ip: client.ip, data: { via } });
  return { setCookie, home: isStaff(user!.role) ? "/admin" : "/invoices" };
}

/** Consumes a magic-link token (POST only): single use, unexpired, then a fresh session. */
export async function signInWithLink(input: { token: string } & Client): Promise<SignedInSession | Problem> {
  const limit = await hitRateLimit(signInLimits.verifyPerIp, input.ip ?? "unknown");
  if (!limit.allowed) return rateLimited(`Too many sign-in attempts from your network. Please wait ${minutesText(limit.retryAfterSeconds)}.`, limit.retryAfterSeconds);

  const tokenHash = sha256(input.token);
  return db.transaction(async (tx) => {
    // The conditional update is the single-use guarantee: two racing POSTs, one winner.
    const [consumed] = await tx
      .update(loginTokens)
      .set({ consumedAt: sql`now()` })
      .where(and(eq(loginTokens.tokenHash, tokenHash), isNull(loginTokens.consumedAt), gt(loginTokens.expiresAt, sql`now()`)))
      .returning({ userId: loginTokens.userId });
    if (consumed) return startSession(tx, consumed.userId, "link", input);

    const [known] = await tx.select().from(loginTokens).where(eq(loginTokens.tokenHash, tokenHash)).limit(1);
    const reason: LinkFailure = !known ? "invalid" : known.consumedAt ? "used" : "expired";
    await recordAudit(tx, { actorUserId: known?.userId ?? null, actorType: "user", action: "auth.sign_in_failed", ip: input.ip, data: { via: "link", reason } });
    return invalid(linkFailures[reason], { code: reason });
  });
}

/** Signs in with the short code from the email, for another device. Few attempts per code. */
export async function signInWithCode(input: { email: string; code: string } & Client): Promise<SignedInSession | Problem> {
  const [byEmail, byIp] = await Promise.all([
    hitRateLimit(signInLimits.verifyPerEmail, input.email),
    hitRateLimit(signInLimits.verifyPerIp, input.ip ?? "unknown"),
  ]);
  if (!byEmail.allowed || !byIp.allowed) {
    const retryAfterSeconds = Math.max(byEmail.retryAfterSeconds, byIp.retryAfterSeconds);
    return rateLimited(`Too many attempts. Please wait ${minutesText(retryAfterSeconds)} and request a new link.`, retryAfterSeconds);
  }

  return db.transaction(async (tx) => {
    const [token] = await tx
      .select()
      .from(loginTokens)
      .where(and(eq(loginTokens.email, input.email), isNull(loginTokens.consumedAt), gt(loginTokens.expiresAt, sql`now()`)))
      .orderBy(desc(loginTokens.createdAt))
      .limit(1)
      .for("update");
    const matches = token && token.codeAttempts < MAX_CODE_ATTEMPTS && safeEqual(token.codeHash, hashCode(input.email, input.code));
    if (token && matches) {
      await tx.update(loginTokens).set({ consumedAt: sql`now()` }).where(eq(loginTokens.id, token.id));
      return startSession(tx, token.userId, "code", input);
    }
    if (token) {
      await tx.update(loginTokens).set({ codeAttempts: sql`${loginTokens.codeAttempts} + 1` }).where(eq(loginTokens.id, token.id));
    }
    await recordAudit(tx, { actorUserId: token?.userId ?? null, actorType: "user", action: "auth.sign_in_failed", ip: input.ip, data: { via: "code" } });
    return invalid(CODE_NOT_RIGHT, { fields: { code: CODE_NOT_RIGHT }, code: "invalid" });
  });
}

export { destroySession as signOut } from "./session.server";
