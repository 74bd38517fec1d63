import { eq, sql } from "drizzle-orm";
import { today } from "~/utils/clock";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { creditMemos } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { isStaffActor, type Actor } from "~/modules/auth/actor";
import { recordEvent } from "~/modules/events/record-event.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { formatMoney } from "~/utils/money";
import { forbidden, invalidField, isProblem, notFound, type Problem } from "~/utils/problem";
import { readCreditAmount } from "./credit-amount";
import { addMessageRow, disputeEmailFacts, lockDispute } from "./dispute-context.server";
import { disputeResolvedEmail } from "./dispute-emails";
import { closeDispute } from "./release-hold.server";

export type ResolveInput = { disputeId: string; outcome: "credit"; creditAmount: string; note: string } | { disputeId: string; outcome: "reject"; note: string };

/**
 * `creditAmount` is the amount exactly as the agent typed it: never a default. A credit is money
 * given away, so one click must not credit the whole disputed amount; an empty amount is refused.
 *
 * Ends a dispute. A credit issues a credit memo for all or part of the disputed amount: the
 * invoice balance drops by exactly that much (and the invoice is paid if nothing is left). A
 * rejection needs an explanation. Either way the hold is released and the payer is told.
 */
export async function resolveDispute(actor: Actor, input: ResolveInput): Promise<{ disputeId: string; creditedAmount: number } | Problem> {
  if (!isStaffActor(actor)) return forbidden("Only the AR team can resolve a dispute.");
  const note = input.note.trim();
  if (note.length < 5)
    return input.outcome === "reject"
      ? invalidField("rejectNote", "Explain to the customer why the dispute is rejected (at least 5 characters).")
      : invalidField("creditNote", "Add a note for the customer about the credit (at least 5 characters).");
  return db.transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.disputeId);
    if (!dispute) return notFound("Dispute not found.");
    const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, dispute.invoiceId)).for("update");
    const money = (m: number) => formatMoney(m, dispute.currency);

    let credited = 0;
    if (input.outcome === "credit") {
      const creditAmount = readCreditAmount(input.creditAmount, dispute.amount, dispute.currency);
      if (isProblem(creditAmount)) return creditAmount;
      credited = creditAmount;
      // Release the hold first so the credit fits within the invoice's total.
      const closed = await closeDispute(tx, actor, dispute, "resolved", { creditedAmount: creditAmount, resolutionNote: note, audit: { action: "dispute.credited", data: { creditAmount } } });
      if (isProblem(closed)) return closed;
      await setLedgerDate(tx, today());
      const [updated] = await tx
        .update(invoices)
        .set({
          amountCredited: sql`${invoices.amountCredited} + ${creditAmount}`,
          status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited} - ${creditAmount} <= 0 then 'paid' else ${invoices.status} end`,
          updatedAt: sql`now()`,
        })
        .where(eq(invoices.id, dispute.invoiceId))
        .returning({ status: invoices.status });
      const [memo] = await tx
        .insert(creditMemos)
        .values({ accountId: dispute.accountId, invoiceId: dispute.invoiceId, disputeId: dispute.id, amount: creditAmount, currency: dispute.currency, reason: note, createdByUserId: actor.userId })
        .returning();
      await recordEvent(tx, { type: "credit_memo.created", accountId: dispute.accountId, subjectType: "credit_memo", subjectId: memo!.id, data: { invoiceId: dispute.invoiceId, invoiceNumber: invoice!.number, disputeId: dispute.id, amount: creditAmount, currency: dispute.currency } });
      if (updated?.status === "paid") await recordEvent(tx, { type: "invoice.paid", accountId: dispute.accountId, subjectType: "invoice", subjectId: dispute.invoiceId, data: { number: invoice!.number, creditMemoId: memo!.id } });
    } else {
      const closed = await closeDispute(tx, actor, dispute, "rejected", { resolutionNote: note, audit: { action: "dispute.rejected", data: { creditAmount: 0 } } });
      if (isProblem(closed)) return closed;
    }

    const outcomeText =
      input.outcome === "credit"
        ? `We credited ${money(credited)} to invoice ${invoice!.number}${credited < dispute.amount ? ` (of the ${money(dispute.amount)} disputed)` : ""}. Its balance is reduced by that amount.`
        : `We looked into your dispute of invoice ${invoice!.number} and could not accept it. The ${money(dispute.amount)} is payable again.`;
    await addMessageRow(tx, dispute, { authorUserId: actor.userId, authorSide: "staff", visibility: "customer", kind: "resolution", body: `${outcomeText}\n\n${note}` });
    await recordEvent(tx, {
      type: "dispute.resolved",
      accountId: dispute.accountId,
      subjectType: "dispute",
      subjectId: dispute.id,
      data: { outcome: input.outcome === "credit" ? "credited" : "rejected", creditedAmount: credited, amount: dispute.amount, currency: dispute.currency, invoiceId: dispute.invoiceId },
    });
    const facts = await disputeEmailFacts(tx, dispute);
    if (facts) await queueEmail(tx, disputeResolvedEmail({ ...facts, outcome: outcomeText, note }));
    return { disputeId: dispute.id, creditedAmount: credited };
  });
}
