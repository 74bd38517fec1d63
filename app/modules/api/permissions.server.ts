import { eq } from "drizzle-orm";
import { users } from "#db/schema/accounts";
import type { Executor } from "~/db.server";

/**
 * A key can push invoices, void them and record offline payments for any customer: like webhook
 * endpoints (ADR 0011), only AR admins create or revoke keys; agents see the list. The use cases
 * check the actor's role themselves (read from the database), not only the page.
 */
export const canManageApiKeys = (staff: { role: string }) => staff.role === "ar_admin";

export const API_KEYS_FORBIDDEN = "Only an AR admin can create or revoke API keys.";

export async function actorCanManageApiKeys(executor: Executor, userId: string): Promise<boolean> {
  const [who] = await executor.select({ role: users.role }).from(users).where(eq(users.id, userId));
  return !!who && canManageApiKeys(who);
}
