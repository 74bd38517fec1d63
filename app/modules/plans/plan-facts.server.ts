import { asc, eq, inArray } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { installments, type PaymentPlan } from "#db/schema/plans";
import type { Executor } from "~/db.server";
import { env } from "~/env.server";
import type { PlanEmailFacts } from "./plan-emails";

/** The payer who enrolled, as the addressee of the plan's emails. */
export async function payerFacts(tx: Executor, plan: PaymentPlan): Promise<PlanEmailFacts | null> {
  if (!plan.createdByUserId) return null;
  const [payer] = await tx.select().from(users).where(eq(users.id, plan.createdByUserId));
  if (!payer) return null;
  return { to: payer.email, name: payer.name, company: env().COMPANY_NAME, planUrl: `${env().APP_URL}/plans/${plan.id}`, currency: plan.currency };
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
