import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { accounts } from "#db/schema/accounts";
import { autopayEnrollments, type AutopayTiming } from "#db/schema/autopay";
import { savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { auditActor, type Actor } from "~/modules/auth/actor";
import { recordEvent } from "~/modules/events/record-event.server";
import { inReadersAccount } from "~/modules/invoices/scope.server";
import { now } from "~/utils/clock";
import { hasNul } from "~/utils/nul";
import { forbidden, invalidField, notFound, type Problem } from "~/utils/problem";
import { autopayAuthorizationText, autopayWhen } from "./autopay-authorization";
import { NOTICE_DAYS } from "./autopay-rules";

export interface EnrolAutopayInput {
  accountId: string;
  savedMethodId: string;
  maxCharge: number;
  timing: AutopayTiming;
  daysBefore: number;
  /** The payer's browser, kept with the authorization (a bank debit's mandate names it). */
  userAgent: string | null;
}

/**
 * A payer turns autopay on for their account, or changes it (method, cap, when): the
 * authorization they agree to is stored word for word with the time and address. Only a
 * verified method saved to the account can be used.
 */
export async function enrolAutopay(actor: Actor, input: EnrolAutopayInput): Promise<{ enrollmentId: string; created: boolean } | Problem> {
  if (actor.kind !== "payer") return forbidden("Only a contact of the account can turn autopay on.");
  return db.transaction(async (tx) => {
    const [account] = await tx.select().from(accounts).where(and(eq(accounts.id, input.accountId), inReadersAccount(actor, accounts.id, input.accountId))).for("update");
    if (!account) return notFound("That account does not exist.");
    const [method] = hasNul(input.savedMethodId)
      ? []
      : await tx
          .select()
          .from(savedPaymentMethods)
          .where(and(eq(savedPaymentMethods.id, input.savedMethodId), eq(savedPaymentMethods.accountId, account.id), isNull(savedPaymentMethods.removedAt)));
    if (!method) return invalidField("savedMethodId", "Choose one of your saved cards or bank accounts.");
    if (method.verification !== "verified") return invalidField("savedMethodId", "That bank account is not verified yet. Verify it first, or choose another method.");
    if (method.type === "us_bank_account" && account.currency !== "USD") return invalidField("savedMethodId", "A US bank account can pay USD invoices only.");

    const text = autopayAuthorizationText({
      company: env().COMPANY_NAME,
      accountName: account.name,
      method: { type: method.type, label: method.label, accountHolderType: method.accountHolderType },
      maxCharge: input.maxCharge,
      currency: account.currency,
      when: autopayWhen(input.timing, input.daysBefore),
      noticeDays: NOTICE_DAYS[method.type],
    });
    const authorization = { text, acceptedAt: now().toISOString(), ip: actor.ip, userAgent: input.userAgent };
    const settings = { savedMethodId: method.id, maxCharge: input.maxCharge, timing: input.timing, daysBefore: input.timing === "days_before" ? input.daysBefore : 0, authorization, updatedAt: sql`now()` };
    const [current] = await tx.select().from(autopayEnrollments).where(and(eq(autopayEnrollments.accountId, account.id), ne(autopayEnrollments.status, "canceled"))).for("update");
    let id: string;
    if (current) {
      await tx.update(autopayEnrollments).set({ ...settings, status: "active", stoppedReason: null }).where(eq(autopayEnrollments.id, current.id));
      id = current.id;
    } else {
      const [created] = await tx.insert(autopayEnrollments).values({ ...settings, accountId: account.id, currency: account.currency, createdByUserId: actor.userId }).returning({ id: autopayEnrollments.id });
      id = created!.id;
    }
    await recordEvent(tx, {
      type: "autopay.enabled",
      accountId: account.id,
      subjectType: "autopay",
      subjectId: id,
      data: { method: method.type, methodLabel: method.label, maxCharge: input.maxCharge, currency: account.currency, timing: input.timing, daysBefore: settings.daysBefore, changed: Boolean(current) },
    });
    await recordAudit(tx, { ...auditActor(actor), action: current ? "autopay.changed" : "autopay.enabled", subjectType: "autopay", subjectId: id, data: { savedMethodId: method.id, maxCharge: input.maxCharge, timing: input.timing, daysBefore: settings.daysBefore } });
    return { enrollmentId: id, created: !current };
  });
}
