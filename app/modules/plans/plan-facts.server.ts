import { asc, eq, inArray } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { installments, type PaymentPlan } from "#db/schema/plans";
import type { Executor } from "~/db.server";
import { env } from "~/env.server";
import { accountRecipients, addressOf } from "~/modules/notifications/account-recipients.server";
import type { PlanEmailFacts } from "./plan-emails";

/**
 * Who hears about a plan: the payer who enrolled and the account's billing contacts in To, the
 * others in CC — each only if they want plan and autopay notices (`accountRecipients`). `personal`:
 * only the payer who enrolled, whatever their preferences (the ACH mandate they authorized).
 */
export async function payerFacts(tx: Executor, plan: PaymentPlan, options: { personal?: boolean } = {}): Promise<PlanEmailFacts | null> {
  if (!plan.createdByUserId) return null;
  const [payer] = await tx.select().from(users).where(eq(users.id, plan.createdByUserId));
  if (!payer) return null;
  const base = { company: env().COMPANY_NAME, planUrl: `${env().APP_URL}/plans/${plan.id}`, currency: plan.currency };
  if (options.personal) return { to: payer.email, name: payer.name, ...base };
  const recipients = await accountRecipients(tx, plan.accountId, "plans_autopay", { alsoTo: [payer.id] });
  if (recipients.to.length === 0) return null;
  return { ...addressOf(recipients), name: recipients.toName ?? "there", ...base };
}

/** The AR admins, told when a plan defaults or waits for their approval. */
export async function staffFacts(tx: Executor, plan: PaymentPlan): Promise<Array<PlanEmailFacts & { accountName: string }>> {
  const [account] = await tx.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, plan.accountId));
  const staff = await tx.select().from(users).where(inArray(users.role, ["ar_admin"]));
  return staff.map((s) => ({
    to: s.email,
    name: s.name,
    company: env().COMPANY_NAME,
    planUrl: `${env().APP_URL}/admin/plans/${plan.id}`,
    currency: plan.currency,
    accountName: account?.name ?? plan.accountId,
  }));
}

export async function scheduleOf(tx: Executor, planId: string) {
  return tx.select().from(installments).where(eq(installments.planId, planId)).orderBy(asc(installments.sequence));
}
