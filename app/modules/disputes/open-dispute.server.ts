import { and, eq, inArray, sql } from "drizzle-orm";
import { disputeLines, disputes, type DisputeReason } from "#db/schema/disputes";
import { invoiceLines, invoices } from "#db/schema/invoices";
import { env } from "~/env.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { payableAmount } from "~/modules/invoices/payable";
import { invoiceScope } from "~/modules/invoices/scope.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { transactionWithBlobs } from "~/modules/storage/blob-storage.server";
import { now } from "~/utils/clock";
import { addBusinessDays } from "~/utils/business-days";
import { formatMoney } from "~/utils/money";
import { conflict, invalidField, notFound, type Problem } from "~/utils/problem";
import { addMessageRow, DisputeProblem, disputeEmailFacts, type AcceptedFile } from "./dispute-context.server";
import { disputeReceivedEmail } from "./dispute-emails";
import { openDisputeStatuses } from "./policy";
import { CONTROL_CHARACTERS_MESSAGE, isFreeText } from "~/utils/text";

export interface OpenDisputeInput {
  invoiceId: string;
  reason: DisputeReason;
  description: string;
  /** Minor units; null = the whole disputable balance. */
  amount: number | null;
  lineIds: string[];
  files: AcceptedFile[];
}

/**
 * A payer disputes (part of) an invoice: the amount is held out of what is payable, the AR team's
 * first response is due within the SLA, and the files are stored with the opening message —
 * all in one transaction, with the event, the audit row and the acknowledgement email.
 */
export async function openDispute(actor: Actor, input: OpenDisputeInput): Promise<{ disputeId: string } | Problem> {
  // Only a payer disputes, and only an invoice of their accounts (the scope below).
  if (actor.kind !== "payer") return notFound("Invoice not found.");
  // The form checks this too (openDisputeForm); every caller gets the same rule.
  if (!isFreeText(input.description)) return invalidField("description", CONTROL_CHARACTERS_MESSAGE);
  try {
    // With its files: a rollback deletes them again (filesystem, S3) or takes them along (PostgreSQL).
    return await transactionWithBlobs(async (tx) => {
      const [invoice] = await tx
        .select()
        .from(invoices)
        .where(
          and(
            eq(invoices.id, input.invoiceId),
            invoiceScope(actor),
          ),
        )
        .for("update");
      if (!invoice) return notFound("Invoice not found.");
      const [active] = await tx
        .select({ id: disputes.id })
        .from(disputes)
        .where(and(eq(disputes.invoiceId, invoice.id), inArray(disputes.status, [...openDisputeStatuses])));
      if (active) return conflict("This invoice already has an open dispute. Add to it instead of opening another.");
      const disputable = payableAmount(invoice);
      if (disputable <= 0) return conflict("Nothing on this invoice can be disputed now: it is paid, or a payment for it is under way.", { fields: { amount: "Nothing on this invoice can be disputed now: it is paid, or a payment for it is under way." } });
      const amount = input.amount ?? disputable;
      if (!Number.isSafeInteger(amount) || amount <= 0) return invalidField("amount", "Enter the amount you dispute.");
      if (amount > disputable) return invalidField("amount", `You can dispute at most ${formatMoney(disputable, invoice.currency)} on this invoice.`);
      if (input.lineIds.length > 0) {
        const lines = await tx.select({ id: invoiceLines.id }).from(invoiceLines).where(and(eq(invoiceLines.invoiceId, invoice.id), inArray(invoiceLines.id, input.lineIds)));
        if (lines.length !== new Set(input.lineIds).size) return invalidField("lines", "Choose lines of this invoice only.");
      }

      const openedAt = now();
      const [dispute] = await tx
        .insert(disputes)
        .values({
          accountId: invoice.accountId,
          invoiceId: invoice.id,
          openedByUserId: actor.userId,
          reason: input.reason,
          amount,
          currency: invoice.currency,
          description: input.description,
          firstResponseDueAt: addBusinessDays(openedAt, env().DISPUTE_SLA_BUSINESS_DAYS),
          createdAt: openedAt,
          updatedAt: openedAt,
        })
        .returning();
      if (input.lineIds.length > 0) await tx.insert(disputeLines).values([...new Set(input.lineIds)].map((invoiceLineId) => ({ disputeId: dispute!.id, invoiceLineId })));
      await tx.update(invoices).set({ amountDisputed: sql`${invoices.amountDisputed} + ${amount}`, updatedAt: sql`now()` }).where(eq(invoices.id, invoice.id));
      await addMessageRow(tx, dispute!, { authorUserId: actor.userId, authorSide: "customer", visibility: "customer", body: input.description }, input.files);
      await recordEvent(tx, {
        type: "dispute.opened",
        accountId: invoice.accountId,
        subjectType: "dispute",
        subjectId: dispute!.id,
        data: { invoiceId: invoice.id, invoiceNumber: invoice.number, reason: input.reason, amount, currency: invoice.currency, lineIds: input.lineIds, files: input.files.length },
      });
      await recordAudit(tx, { ...auditActor(actor), action: "dispute.opened", subjectType: "dispute", subjectId: dispute!.id, data: { amount } });
      const facts = await disputeEmailFacts(tx, dispute!);
      if (facts) {
        const dueBy = dispute!.firstResponseDueAt.toLocaleDateString("en-US", { dateStyle: "full", timeZone: "UTC" });
        await queueEmail(tx, disputeReceivedEmail({ ...facts, amount: formatMoney(amount, invoice.currency), dueBy }));
      }
      return { disputeId: dispute!.id };
    });
  } catch (e) {
    if (e instanceof DisputeProblem) return e.problem;
    throw e;
  }
}
