import { sql } from "drizzle-orm";
import { db } from "~/db.server";
import { sha256 } from "./secrets.server";

export interface RateLimitRule {
  /** e.g. "signin-request:email" */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** The limits on public sign-in forms (SECURITY.md: per email and per IP, held in Postgres). */
export const signInLimits = {
  requestPerEmail: { name: "signin-request:email", limit: 5, windowSeconds: 15 * 60 },
  requestPerIp: { name: "signin-request:ip", limit: 30, windowSeconds: 15 * 60 },
  verifyPerEmail: { name: "signin-verify:email", limit: 10, windowSeconds: 15 * 60 },
  verifyPerIp: { name: "signin-verify:ip", limit: 60, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimitRule>;

export interface RateLimitResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts one hit against `rule` for `subject` in a fixed window, atomically in Postgres so
 * every app server shares the counter. Subjects are hashed: no emails or IPs in this table.
 */
export async function hitRateLimit(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
  const key = `${rule.name}:${sha256(subject.toLowerCase())}`;
  const window = `${rule.windowSeconds} seconds`;
  const rows = await db.execute<{ count: number; window_start: Date }>(sql`
    insert into rate_limits (key, window_start, count) values (${key}, now(), 1)
    on conflict (key) do update set
      count = case when rate_limits.window_start <= now() - ${window}::interval then 1 else rate_limits.count + 1 end,
      window_start = case when rate_limits.window_start <= now() - ${window}::interval then now() else rate_limits.window_start end
    returning count, window_start`);
  const row = rows[0]!;
  const elapsed = (Date.now() - new Date(row.window_start).getTime()) / 1000;
  return {
    allowed: row.count <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil(rule.windowSeconds - elapsed)),
  };
}
