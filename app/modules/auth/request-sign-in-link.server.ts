import { z } from "zod";
import { db } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { hitRateLimit, signInLimits } from "./rate-limit.server";
import { randomCode, randomToken, seal } from "./secrets.server";

export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(254, "That email address is too long")
  .email("Enter an email address like name@company.com")
  .transform((e) => e.toLowerCase());

export interface SignInLinkJob {
  email: string;
  token: string;
  code: string;
  requestedAt: string;
  ip: string | null;
}

export type RequestSignInResult = { status: "sent" } | { status: "rate_limited"; retryAfterSeconds: number };

/**
 * Step 1 of sign-in. Does exactly the same work whether or not the email belongs to someone
 * (no enumeration by answer or by timing): both rate limits, then one job. The job looks the
 * user up, stores the hashed token and sends the email.
 */
export async function requestSignInLink(input: { email: string; ip: string | null }): Promise<RequestSignInResult> {
  const [byEmail, byIp] = await Promise.all([
    hitRateLimit(signInLimits.requestPerEmail, input.email),
    hitRateLimit(signInLimits.requestPerIp, input.ip ?? "unknown"),
  ]);
  if (!byEmail.allowed || !byIp.allowed) {
    return { status: "rate_limited", retryAfterSeconds: Math.max(byEmail.allowed ? 0 : byEmail.retryAfterSeconds, byIp.allowed ? 0 : byIp.retryAfterSeconds) };
  }
  const job: SignInLinkJob = {
    email: input.email,
    token: randomToken(),
    code: randomCode(),
    requestedAt: new Date().toISOString(),
    ip: input.ip,
  };
  await enqueueJob(db, "send_sign_in_link", { sealed: seal(job) }, { maxAttempts: 5 });
  return { status: "sent" };
}
