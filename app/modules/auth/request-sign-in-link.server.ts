import { db } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import { hitRateLimit, signInLimits } from "./rate-limit.server";
import { minutesText } from "~/utils/minutes";
import { rateLimited, type Problem } from "~/utils/problem";
import { randomCode, randomToken, seal } from "./secrets.server";

export interface SignInLinkJob {
  email: string;
  token: string;
  code: string;
  requestedAt: string;
  ip: string | null;
}

/**
 * Step 1 of sign-in. Does exactly the same work whether or not the email belongs to someone
 * (no enumeration by answer or by timing): both rate limits, then one job. The job looks the
 * user up, stores the hashed token and sends the email.
 */
export async function requestSignInLink(input: { email: string; ip: string | null }): Promise<{ sent: true } | Problem> {
  const [byEmail, byIp] = await Promise.all([
    hitRateLimit(signInLimits.requestPerEmail, input.email),
    hitRateLimit(signInLimits.requestPerIp, input.ip ?? "unknown"),
  ]);
  if (!byEmail.allowed || !byIp.allowed) {
    const retryAfterSeconds = Math.max(byEmail.allowed ? 0 : byEmail.retryAfterSeconds, byIp.allowed ? 0 : byIp.retryAfterSeconds);
    return rateLimited(`Too many sign-in requests. For your security, please wait ${minutesText(retryAfterSeconds)} before asking for another link.`, retryAfterSeconds);
  }
  const job: SignInLinkJob = {
    email: input.email,
    token: randomToken(),
    code: randomCode(),
    requestedAt: new Date().toISOString(),
    ip: input.ip,
  };
  await enqueueJob(db, "send_sign_in_link", { sealed: seal(job) }, { maxAttempts: 5 });
  return { sent: true };
}
