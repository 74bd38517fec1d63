import { and, eq } from "drizzle-orm";
import { invoices } from "#db/schema/invoices";
import { accountCredits } from "#db/schema/terms";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { refusable, refuse } from "~/modules/ingest/result";
import { parseAmount } from "~/utils/money";
import { hasNul } from "~/utils/nul";
import { forbidden, invalidField, isProblem, Problem } from "~/utils/problem";
import { applyCredits, type AppliedCredit } from "./apply-credits.server";

/**
 * An AR agent or admin applies one of the account's credits to one of its invoices (the Credits
 * section of the customer page). The amount is as typed, read in the credit's currency.
 */
export async function applyCreditAsStaff(actor: Actor, input: { accountId: string; creditId: string; invoiceId: string; amount: string }): Promise<AppliedCredit | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can apply credits here.");
  if (hasNul(input.creditId)) return invalidField("creditId", "Choose one of this account's credits.");
  if (hasNul(input.invoiceId)) return invalidField("invoiceId", "Choose one of this account's open invoices.");
  return refusable(() =>
    db.transaction(async (tx) => {
      // The invoice first, then (in applyCredits) the credit: the order every balance writer keeps.
      const [invoice] = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(and(eq(invoices.id, input.invoiceId), eq(invoices.accountId, input.accountId)))
        .for("update");
      if (!invoice) refuse(invalidField("invoiceId", "Choose one of this account's open invoices."));
      const [credit] = await tx
        .select({ currency: accountCredits.currency })
        .from(accountCredits)
        .where(and(eq(accountCredits.id, input.creditId), eq(accountCredits.accountId, input.accountId)));
      if (!credit) refuse(invalidField("creditId", "Choose one of this account's credits."));
      const amount = parseAmount(input.amount.trim(), credit.currency);
      if (amount === null || amount <= 0) refuse(invalidField("amount", `Enter an amount in ${credit.currency} greater than zero, like 50.00.`));

      const applied = await applyCredits(tx, actor, { accountId: input.accountId, applications: [{ creditId: input.creditId, invoiceId: input.invoiceId, amount }] });
      if (isProblem(applied)) refuse(asFormProblem(applied));
      return applied[0]!;
    }),
  );
}

/** The use case's `applications.0.amount` fields are this form's `amount`. */
function asFormProblem(problem: Problem): Problem {
  const fields = Object.fromEntries(Object.entries(problem.fields).map(([name, message]) => [name.replace(/^applications\.0\./, ""), message]));
  return new Problem(problem.kind, problem.message, { fields, code: problem.code });
}
