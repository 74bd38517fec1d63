import type { UserRole } from "#db/schema/accounts";

/** Sign-in and session lifetimes (SECURITY.md). Staff sessions idle out sooner. */
export const SIGN_IN_TOKEN_MINUTES = 10;
export const MAX_CODE_ATTEMPTS = 5;

export function sessionTimeouts(role: UserRole): { idleMinutes: number; absoluteHours: number } {
  return role === "payer" ? { idleMinutes: 30, absoluteHours: 12 } : { idleMinutes: 15, absoluteHours: 8 };
}

export const isStaff = (role: UserRole) => role === "ar_agent" || role === "ar_admin";
