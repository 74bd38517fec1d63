import { and, asc, eq, isNull, lte, or, sql } from "drizzle-orm";
import { payLinks } from "#db/schema/collections";
import { invoices } from "#db/schema/invoices";
import { db } from "~/db.server";
import { auditActor, type PayLinkActor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { invoiceScope } from "~/modules/invoices/scope.server";
import { alias } from "drizzle-orm/pg-core";
import { companyToday } from "~/modules/terms/company-date.server";
import { discountOffer, type DiscountOffer } from "~/modules/terms/quote-rules";
import { quoteBasis, termsOf } from "~/modules/terms/quote.server";
import { now, today } from "~/utils/clock";
import { addDays } from "~/utils/dates";
import { isProblem, type Problem } from "~/utils/problem";
import { payLinkAccess } from "./pay-link-access.server";
import { getCollectionRules } from "./rules.server";

/** Reloads and the page's own refreshes within this long are the same visit, not a new open. */
export const OPEN_VISIT_MINUTES = 10;

/** One invoice as the pay link shows it: its number, dates and what is due now, nothing more. */
export interface PayLinkInvoice {
  id: string;
  number: string;
  poNumber: string | null;
  dueDate: string;
  currency: string;
  status: string;
  balance: number;
  /** Held by an open dispute: not asked for until it is resolved. */
  amountDisputed: number;
  /** Reserved by a payment under way (a bank debit processing, a Checkout left open). */
  amountPending: number;
  /** What is asked now: balance − disputed − pending (0 on a payment plan), less any early-payment discount today. */
  dueNow: number;
  /** "Pay X by D and save Y", while the invoice's discount window is open. */
  offer: DiscountOffer | null;
  /** A late fee's invoice: the number of the invoice it is charged on. */
  feeForNumber: string | null;
  onPlan: boolean;
}

export interface PayLinkPage {
  actor: PayLinkActor;
  companyName: string;
  accountName: string;
  expiresAt: string;
  invoices: PayLinkInvoice[];
  /** The quote the page shows (sent back with the form: a payment is never charged other amounts). */
  quoteBasis: string;
  /** The latest date a promise to pay may name (the AR team's rules). */
  promiseLatest: string;
  promiseEarliest: string;
}

/**
 * The holder of a pay link opens it: checks the link (pay-link-access.server.ts), records the
 * open on the link (count, last opened, an audit row with the IP) unless it is the same visit,
 * and returns the `pay_link` Actor with the page's data — the link's invoices only, read through
 * the actor's scope. `returning` is the page shown back from Checkout: not a new open, and a link
 * whose invoices that payment just paid still shows it.
 */
export async function openPayLink(token: string, ip: string | null, options: { returning?: boolean } = {}): Promise<PayLinkPage | Problem> {
  const access = await payLinkAccess(token, ip, { allowPaid: options.returning });
  if (isProblem(access)) return access;
  const { actor } = access;
  if (!options.returning) await recordOpen(actor);

  const parent = alias(invoices, "parent");
  const [rows, rules] = await Promise.all([
    db
      .select({
        id: invoices.id,
        number: invoices.number,
        poNumber: invoices.poNumber,
        dueDate: invoices.dueDate,
        currency: invoices.currency,
        status: invoices.status,
        balance: invoices.balance,
        amountDisputed: invoices.amountDisputed,
        amountPending: invoices.amountPending,
        paymentPlanId: invoices.paymentPlanId,
        total: invoices.total,
        amountDiscounted: invoices.amountDiscounted,
        issueDate: invoices.issueDate,
        discountBps: invoices.discountBps,
        discountDays: invoices.discountDays,
        feeForNumber: parent.number,
      })
      .from(invoices)
      .leftJoin(parent, eq(parent.id, invoices.lateFeeForInvoiceId))
      .where(invoiceScope(actor))
      .orderBy(asc(invoices.dueDate), asc(invoices.number)),
    getCollectionRules(),
  ]);
  const day = today();
  const quotedOn = companyToday();
  return {
    actor,
    companyName: access.companyName,
    accountName: access.accountName,
    expiresAt: access.link.expiresAt.toISOString(),
    quoteBasis: quoteBasis(quotedOn, rows),
    invoices: rows.map((r) => {
      const terms = termsOf(r);
      const offer = discountOffer(terms, quotedOn);
      return {
        id: r.id,
        number: r.number,
        poNumber: r.poNumber,
        dueDate: r.dueDate,
        currency: r.currency,
        status: r.status,
        balance: r.balance,
        amountDisputed: r.amountDisputed,
        amountPending: r.amountPending,
        onPlan: r.paymentPlanId !== null,
        dueNow: offer?.payInFull ?? terms.payable,
        offer,
        feeForNumber: r.feeForNumber,
      };
    }),
    promiseEarliest: day,
    promiseLatest: addDays(day, rules.promiseMaxDays),
  };
}

/** Counts the open once per visit: the row's counter and last-opened time, and an audit row, together. */
async function recordOpen(actor: PayLinkActor): Promise<void> {
  const at = now();
  const visitStart = new Date(at.getTime() - OPEN_VISIT_MINUTES * 60_000);
  await db.transaction(async (tx) => {
    const [opened] = await tx
      .update(payLinks)
      .set({ openCount: sql`${payLinks.openCount} + 1`, lastOpenedAt: at })
      .where(and(eq(payLinks.id, actor.payLinkId), or(isNull(payLinks.lastOpenedAt), lte(payLinks.lastOpenedAt, visitStart))))
      .returning({ openCount: payLinks.openCount });
    if (opened) await recordAudit(tx, { ...auditActor(actor), action: "pay_link.opened", subjectType: "pay_link", subjectId: actor.payLinkId, data: { accountId: actor.accountId, openCount: opened.openCount } });
  });
}
