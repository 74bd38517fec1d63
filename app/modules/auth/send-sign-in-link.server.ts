import { and, eq, isNull, sql } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import { loginTokens } from "#db/schema/auth";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { deliverEmail } from "~/modules/notifications/mailer.server";
import { signInEmail } from "./sign-in-email";
import { SIGN_IN_TOKEN_MINUTES } from "./policy";
import type { SignInLinkJob } from "./request-sign-in-link.server";
import { hashCode, sha256 } from "./secrets.server";

/**
 * The job behind a sign-in request: for a known email, store the token's hash (replacing any
 * earlier unused link) and send the link and code. Unknown emails end here, silently.
 * Safe to retry: the token row is keyed by its hash.
 */
export async function sendSignInLink(job: SignInLinkJob): Promise<void> {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${job.email}`).limit(1);
  if (!user) return;

  const expiresAt = new Date(Date.parse(job.requestedAt) + SIGN_IN_TOKEN_MINUTES * 60_000);
  if (expiresAt.getTime() <= Date.now()) return; // the job waited too long; the link would be dead on arrival
  const tokenHash = sha256(job.token);

  await db.transaction(async (tx) => {
    // Only the newest link works: fewer live credentials per person.
    await tx
      .update(loginTokens)
      .set({ consumedAt: new Date() })
      .where(and(eq(loginTokens.userId, user.id), isNull(loginTokens.consumedAt), sql`${loginTokens.tokenHash} <> ${tokenHash}`));
    const inserted = await tx
      .insert(loginTokens)
      .values({ userId: user.id, email: job.email, tokenHash, codeHash: hashCode(job.email, job.code), expiresAt })
      .onConflictDoNothing()
      .returning({ id: loginTokens.id });
    if (inserted.length > 0) {
      await recordAudit(tx, { actorUserId: user.id, actorType: "user", action: "auth.sign_in_link_sent", subjectType: "user", subjectId: user.id, ip: job.ip });
    }
  });

  const link = `${env().APP_URL}/login/verify?token=${encodeURIComponent(job.token)}`;
  await deliverEmail(
    signInEmail({ to: user.email, name: user.name, link, code: job.code, minutes: SIGN_IN_TOKEN_MINUTES, company: env().COMPANY_NAME }),
  );
}
