import { createCookie, redirect, type AppLoadContext } from "@remix-run/node";
import { and, eq, sql } from "drizzle-orm";
import { accountContacts, accounts, users, type User } from "#db/schema/accounts";
import { sessions } from "#db/schema/auth";
import { db, prepared, type Executor } from "~/db.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { env } from "~/env.server";
import { notFound, type Problem } from "~/utils/problem";
import { orThrow } from "~/utils/problem-response.server";
import type { Actor, PayerActor, StaffActor } from "./actor";
import { isStaff, sessionTimeouts } from "./policy";
import { randomToken, sha256 } from "./secrets.server";

// Secure cookies only where the portal is served over https (production deployments);
// the __Host- prefix requires Secure, so it goes with it.
function sessionCookie() {
  const secure = env().APP_URL.startsWith("https://");
  return createCookie(secure ? "__Host-portal_session" : "portal_session", {
    httpOnly: true,
    secure,
    sameSite: "lax",
    path: "/",
  });
}

/** Starts a session after a successful sign-in and returns the Set-Cookie header value. */
export async function createSession(
  tx: Executor,
  input: { user: Pick<User, "id" | "role">; ip: string | null; userAgent: string | null },
): Promise<string> {
  const id = randomToken();
  const { absoluteHours } = sessionTimeouts(input.user.role);
  await tx.insert(sessions).values({
    idHash: sha256(id),
    userId: input.user.id,
    expiresAt: new Date(Date.now() + absoluteHours * 3_600_000),
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return sessionCookie().serialize(id, { maxAge: absoluteHours * 3600 });
}

export interface AccountSummary {
  id: string;
  name: string;
  number: string;
}

export interface SignedIn {
  sessionIdHash: string;
  user: User;
  /** The accounts this payer may see (empty for staff). */
  accounts: AccountSummary[];
  activeAccount: AccountSummary | null;
}

const perRequest = new WeakMap<Request, Promise<SignedIn | null>>();
/**
 * Remix hands each loader of a page its own copy of the Request, so the WeakMap alone missed and
 * a page looked the session up once per loader (two extra queries on every payer page). Lookups
 * started in the same tick for the same Cookie header share one; the entry is dropped once the
 * tick's work is done, so no answer outlives the request that asked.
 */
const sameTick = new Map<string, Promise<SignedIn | null>>();

/** The signed-in person for this request, or null. Looked up once per request. */
export function getSignedIn(request: Request): Promise<SignedIn | null> {
  let pending = perRequest.get(request);
  if (!pending) {
    const cookie = request.headers.get("Cookie") ?? "";
    pending = sameTick.get(cookie);
    if (!pending) {
      pending = loadSignedIn(request);
      sameTick.set(cookie, pending);
      setImmediate(() => sameTick.delete(cookie));
    }
    perRequest.set(request, pending);
  }
  return pending;
}

/**
 * The session, its user and the accounts the user is a contact of (by name), in one prepared
 * statement: every page asks, so it is parsed and planned once per connection and costs one round trip.
 */
const signedInQuery = () =>
  prepared("signed_in_session", (pool) =>
    pool
      .select({
        session: sessions,
        user: users,
        accounts: sql<AccountSummary[]>`coalesce((
          select json_agg(json_build_object('id', ${accounts.id}, 'name', ${accounts.name}, 'number', ${accounts.number}) order by ${accounts.name})
          from ${accountContacts} join ${accounts} on ${accounts.id} = ${accountContacts.accountId}
          where ${accountContacts.userId} = ${sessions.userId}), '[]'::json)`,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.idHash, sql.placeholder("idHash")))
      .limit(1)
      .prepare("signed_in_session"),
  );

async function loadSignedIn(request: Request): Promise<SignedIn | null> {
  const raw = (await sessionCookie().parse(request.headers.get("Cookie"))) as unknown;
  if (typeof raw !== "string" || raw.length < 20) return null;
  const idHash = sha256(raw);
  const [row] = await signedInQuery().execute({ idHash });
  if (!row) return null;

  const nowMs = Date.now();
  const { idleMinutes } = sessionTimeouts(row.user.role);
  const idleExpired = row.session.lastSeenAt.getTime() + idleMinutes * 60_000 < nowMs;
  if (idleExpired || row.session.expiresAt.getTime() < nowMs) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  // Touch at most once a minute: the idle timeout needs no finer grain, and reads stay reads.
  if (nowMs - row.session.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.idHash, idHash));
  }

  const payerAccounts = isStaff(row.user.role) ? [] : row.accounts;
  const activeAccount = payerAccounts.find((a) => a.id === row.session.activeAccountId) ?? payerAccounts[0] ?? null;
  return { sessionIdHash: idHash, user: row.user, accounts: payerAccounts, activeAccount };
}

function loginRedirect(): never {
  throw redirect("/login");
}

export async function requireUser(request: Request): Promise<SignedIn> {
  return (await getSignedIn(request)) ?? loginRedirect();
}

export type SignedInPayer = SignedIn & { activeAccount: AccountSummary };

/** A payer with at least one account. Staff are sent to /admin. */
export async function requirePayer(request: Request): Promise<SignedInPayer> {
  const signedIn = await requireUser(request);
  if (isStaff(signedIn.user.role)) throw redirect("/admin");
  if (!signedIn.activeAccount) {
    throw new Response("Your sign-in is not linked to any customer account yet. Please contact the accounts receivable team.", { status: 403 });
  }
  return signedIn as SignedInPayer;
}

/** AR staff only. Anyone else gets a 404: the admin area does not exist for them. */
export async function requireStaff(request: Request): Promise<SignedIn> {
  const signedIn = await requireUser(request);
  if (!isStaff(signedIn.user.role)) orThrow(notFound());
  return signedIn;
}

/** The signed-in payer as the Actor use cases take. */
export function payerActor(signedIn: SignedIn, context: AppLoadContext): PayerActor {
  return { kind: "payer", userId: signedIn.user.id, ip: context.clientIp ?? null };
}

/** The signed-in staff member as the Actor use cases take. */
export function staffActor(signedIn: SignedIn, context: AppLoadContext): StaffActor {
  if (!isStaff(signedIn.user.role)) orThrow(notFound());
  return { kind: "staff", userId: signedIn.user.id, role: signedIn.user.role as StaffActor["role"], ip: context.clientIp ?? null };
}

/** `requirePayer` plus the Actor: `const { payer, actor } = await requirePayerActor(request, context)`. */
export async function requirePayerActor(request: Request, context: AppLoadContext): Promise<{ payer: SignedInPayer; actor: PayerActor }> {
  const payer = await requirePayer(request);
  return { payer, actor: payerActor(payer, context) };
}

/** `requireStaff` plus the Actor. */
export async function requireStaffActor(request: Request, context: AppLoadContext): Promise<{ staff: SignedIn; actor: StaffActor }> {
  const staff = await requireStaff(request);
  return { staff, actor: staffActor(staff, context) };
}

/** Switches the payer's active account; an account they are not a contact of is not_found. */
export async function switchActiveAccount(actor: Actor, input: { session: SignedIn; accountId: string }): Promise<{ accountId: string } | Problem> {
  const { session: signedIn, accountId } = input;
  if (actor.kind !== "payer" || actor.userId !== signedIn.user.id || !signedIn.accounts.some((a) => a.id === accountId)) return notFound("Account not found.");
  await db
    .update(sessions)
    .set({ activeAccountId: accountId })
    .where(and(eq(sessions.idHash, signedIn.sessionIdHash), eq(sessions.userId, signedIn.user.id)));
  return { accountId };
}

/**
 * Ends the session server-side (with an audit row) and returns the Set-Cookie header that
 * clears the cookie. The cookie alone can never bring the session back.
 */
export async function destroySession(request: Request, ip: string | null): Promise<string> {
  const raw = (await sessionCookie().parse(request.headers.get("Cookie"))) as unknown;
  if (typeof raw === "string") {
    await db.transaction(async (tx) => {
      const [ended] = await tx.delete(sessions).where(eq(sessions.idHash, sha256(raw))).returning({ userId: sessions.userId });
      if (ended) await recordAudit(tx, { actorUserId: ended.userId, actorType: "user", action: "auth.signed_out", subjectType: "user", subjectId: ended.userId, ip });
    });
  }
  return sessionCookie().serialize("", { maxAge: 0 });
}
