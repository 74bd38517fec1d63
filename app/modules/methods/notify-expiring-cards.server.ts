import { and, eq, sql } from "drizzle-orm";
import { holdingPlanStatuses } from "#db/schema/plan-values";
import { savedPaymentMethods } from "#db/schema/payments";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { SystemActor } from "~/modules/auth/actor";
import { auditActor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { accountRecipients, addressOf } from "~/modules/notifications/account-recipients.server";
import { queueEmail } from "~/modules/notifications/queue-email.server";
import { addDays } from "~/utils/dates";
import { now, today } from "~/utils/clock";
import { formatMoney } from "~/utils/money";
import { EXPIRY_NOTICE_DAYS } from "./method-details";
import { expiringCardEmail } from "./expiring-card-email";
import { methodUses, USING_AUTOPAY_STATUSES } from "./method-uses.server";

/** The last day of the card's expiry month, in SQL. */
const expiresOn = sql<string>`(make_date(${savedPaymentMethods.expYear}, ${savedPaymentMethods.expMonth}, 1) + interval '1 month' - interval '1 day')::date`;

/**
 * Daily: a card that pays something by itself (a plan, autopay, or the account's default) and
 * expires within 30 days gets one email to the account's billing contacts, once per card (and so
 * per expiry: a card's expiry never changes on its row). Claiming `expiry_notice_sent_at` with the
 * email in one transaction makes a rerun or an overlapping run send nothing twice.
 */
export async function notifyExpiringCards(actor: SystemActor): Promise<{ on: string; notified: number }> {
  const on = today();
  const candidates = await db
    .select({
      id: savedPaymentMethods.id,
      accountId: savedPaymentMethods.accountId,
      stripePaymentMethodId: savedPaymentMethods.stripePaymentMethodId,
      label: savedPaymentMethods.label,
      isDefault: savedPaymentMethods.isDefault,
      expiresOn: sql<string>`${expiresOn}::text`,
    })
    .from(savedPaymentMethods)
    .where(
      and(
        eq(savedPaymentMethods.type, "card"),
        sql`${savedPaymentMethods.removedAt} is null`,
        sql`${savedPaymentMethods.expiryNoticeSentAt} is null`,
        sql`${savedPaymentMethods.expYear} is not null and ${savedPaymentMethods.expMonth} between 1 and 12`,
        sql`${expiresOn} between ${on}::date and ${addDays(on, EXPIRY_NOTICE_DAYS)}::date`,
        // Used by something that charges it without the payer (checked in detail below).
        sql`(${savedPaymentMethods.isDefault}
          or exists (select 1 from payment_plans p where p.account_id = ${savedPaymentMethods.accountId} and p.stripe_payment_method_id = ${savedPaymentMethods.stripePaymentMethodId} and p.status in (${sql.join(
            holdingPlanStatuses.map((s) => sql`${s}`),
            sql`, `,
          )}))
          or exists (select 1 from autopay_enrollments a where a.saved_method_id = ${savedPaymentMethods.id} and a.status in (${sql.join(
            USING_AUTOPAY_STATUSES.map((s) => sql`${s}`),
            sql`, `,
          )})))`,
      ),
    )
    .orderBy(savedPaymentMethods.id);

  let notified = 0;
  for (const card of candidates) {
    const sent = await db.transaction(async (tx) => {
      // No one to tell yet: left unclaimed, so the notice goes out once a billing contact exists.
      const recipients = await accountRecipients(tx, card.accountId, "plans_autopay");
      if (recipients.to.length === 0) return false;
      const [claimed] = await tx
        .update(savedPaymentMethods)
        .set({ expiryNoticeSentAt: now() })
        .where(and(eq(savedPaymentMethods.id, card.id), sql`${savedPaymentMethods.expiryNoticeSentAt} is null`, sql`${savedPaymentMethods.removedAt} is null`))
        .returning({ id: savedPaymentMethods.id });
      if (!claimed) return false;
      const uses = (await methodUses(tx, card.accountId, [card])).get(card.id)!;
      const words = [
        ...uses.plans.map((p) => `charged for your payment plan of ${formatMoney(p.total, p.currency)}`),
        ...(uses.autopay.length > 0 ? ["charged by autopay"] : []),
        ...(card.isDefault ? ["your default payment method"] : []),
      ];
      const { cc, ...to } = addressOf(recipients);
      await queueEmail(tx, {
        ...(cc ? { cc } : {}),
        ...expiringCardEmail({
          ...to,
          name: recipients.toName ?? "there",
          company: env().COMPANY_NAME,
          methodsUrl: `${env().APP_URL}/payment-methods`,
          label: card.label,
          expiresOn: card.expiresOn,
          uses: words,
        }),
      });
      await recordAudit(tx, { ...auditActor(actor), action: "payment_method.expiry_notice_sent", subjectType: "saved_payment_method", subjectId: card.id, data: { accountId: card.accountId, expiresOn: card.expiresOn } });
      return true;
    });
    if (sent) notified++;
  }
  return { on, notified };
}
