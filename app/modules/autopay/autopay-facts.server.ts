import { eq, inArray } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import type { Executor } from "~/db.server";
import { env } from "~/env.server";
import { accountRecipients, addressOf } from "~/modules/notifications/account-recipients.server";
import type { AutopayEmailFacts } from "./autopay-emails";

/** The facts of one autopay email, read in the writer's transaction; null when nobody can receive it. */
export async function autopayEmailFacts(
  executor: Executor,
  input: { accountId: string; methodLabel: string; currency: string; amount: number; chargeOn: string; lines: Array<{ invoiceId: string; amount: number }> },
): Promise<AutopayEmailFacts | null> {
  // Autopay concerns the account: its recipients of plan and autopay mail, in one email.
  const recipients = await accountRecipients(executor, input.accountId, "plans_autopay");
  if (recipients.to.length === 0) return null;
  const [account] = await executor.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, input.accountId));
  const ids = input.lines.map((l) => l.invoiceId);
  const numbers = ids.length ? await executor.select({ id: invoices.id, number: invoices.number }).from(invoices).where(inArray(invoices.id, ids)) : [];
  const appUrl = env().APP_URL;
  return {
    ...addressOf(recipients),
    name: recipients.toName ?? "there",
    company: env().COMPANY_NAME,
    accountName: account?.name ?? "",
    methodLabel: input.methodLabel,
    currency: input.currency,
    amount: input.amount,
    chargeOn: input.chargeOn,
    invoices: input.lines.map((l) => ({ number: numbers.find((n) => n.id === l.invoiceId)?.number ?? l.invoiceId, amount: l.amount })),
    autopayUrl: `${appUrl}/autopay`,
    payUrl: `${appUrl}/pay?${ids.map((id) => `invoice=${id}`).join("&")}`,
  };
}
