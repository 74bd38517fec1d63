import { and, asc, desc, eq, gt } from "drizzle-orm";
import { accountContacts, accounts, users } from "#db/schema/accounts";
import { disputes } from "#db/schema/disputes";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments } from "#db/schema/payments";
import { paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { signInEmail } from "~/modules/auth/sign-in-email";
import { SIGN_IN_TOKEN_MINUTES } from "~/modules/auth/policy";
import { disputeInfoRequestedEmail, disputeReceivedEmail, disputeReplyEmail, disputeResolvedEmail } from "~/modules/disputes/dispute-emails";
import {
  installmentFailedEmail,
  installmentReminderEmail,
  mandateConfirmationEmail,
  planActiveEmail,
  planAwaitingApprovalEmail,
  planAwaitingApprovalStaffEmail,
  planDefaultedEmail,
  planDefaultedStaffEmail,
  planEndedEmail,
} from "~/modules/plans/plan-emails";
import { brokenPromiseEmail } from "~/modules/collections/collector-emails";
import { reminderEmail } from "~/modules/collections/reminder-email";
import { lateFeesPostedEmail } from "~/modules/fees/late-fee-email";
import { expiringCardEmail } from "~/modules/methods/expiring-card-email";
import { percentOf } from "~/modules/fees/late-fee-rules";
import { today } from "~/utils/clock";
import { addDays, formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import type { EmailMessage } from "./mailer.server";
import { paymentFailedEmail, paymentProcessingEmail, paymentReceiptEmail, refundEmail } from "./payment-emails";
import { chargebackClosedEmail, chargebackOpenedEmail, refundFailedEmail } from "./staff-payment-emails";

/** The development mail previews (/dev/emails) exist only outside production. */
export function emailPreviewsEnabled(): boolean {
  return env().NODE_ENV !== "production";
}

/** What the previews are filled with: a real payer, account and invoices when there are some. */
export interface PreviewFacts {
  source: "database" | "sample";
  company: string;
  appUrl: string;
  payer: { to: string; name: string };
  staff: { to: string; name: string };
  accountName: string;
  currency: string;
  invoices: Array<{ number: string; amount: number }>;
  /** A payment of the account, with the invoices it paid. */
  payment: { id: string; amount: number; currency: string; methodLabel: string | null; invoices: Array<{ number: string; amount: number }> };
  planId: string;
  disputeId: string;
}

export function sampleFacts(): PreviewFacts {
  return {
    source: "sample",
    company: env().COMPANY_NAME,
    appUrl: env().APP_URL,
    payer: { to: "pat@northwind.test", name: "Pat Jones" },
    staff: { to: "ar-admin@company.example", name: "Alex Admin" },
    accountName: "Northwind Traders",
    currency: "USD",
    invoices: [
      { number: "INV-20417", amount: 125_000 },
      { number: "INV-20418", amount: 48_050 },
    ],
    payment: {
      id: "pay_sample",
      amount: 173_050,
      currency: "USD",
      methodLabel: "Visa •••• 4242",
      invoices: [
        { number: "INV-20417", amount: 125_000 },
        { number: "INV-20418", amount: 48_050 },
      ],
    },
    planId: "pln_sample",
    disputeId: "dsp_sample",
  };
}

/** Reads a payer of an account with open invoices (and that account's latest payment, plan, dispute). Reads only. */
export async function previewFacts(): Promise<PreviewFacts> {
  const sample = sampleFacts();
  const [payer] = await db
    .select({ to: users.email, name: users.name, accountId: accounts.id, accountName: accounts.name })
    .from(users)
    .innerJoin(accountContacts, eq(accountContacts.userId, users.id))
    .innerJoin(accounts, eq(accounts.id, accountContacts.accountId))
    .innerJoin(invoices, eq(invoices.accountId, accounts.id))
    .where(and(eq(users.role, "payer"), gt(invoices.balance, 0)))
    .orderBy(asc(accounts.number))
    .limit(1);
  if (!payer) return sample;
  const open = await db
    .select({ number: invoices.number, amount: invoices.balance, currency: invoices.currency })
    .from(invoices)
    .where(and(eq(invoices.accountId, payer.accountId), gt(invoices.balance, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .limit(2);
  const currency = open[0]!.currency;
  const sameCurrency = open.filter((i) => i.currency === currency).map(({ number, amount }) => ({ number, amount }));
  const [payment] = await db
    .select({ id: payments.id, amount: payments.amount, currency: payments.currency, methodLabel: payments.methodLabel })
    .from(payments)
    .where(eq(payments.accountId, payer.accountId))
    .orderBy(desc(payments.createdAt))
    .limit(1);
  const paid = payment
    ? await db
        .select({ number: invoices.number, amount: paymentAllocations.amount })
        .from(paymentAllocations)
        .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
        .where(eq(paymentAllocations.paymentId, payment.id))
        .orderBy(asc(invoices.number))
    : [];
  const [plan] = await db.select({ id: paymentPlans.id }).from(paymentPlans).where(eq(paymentPlans.accountId, payer.accountId)).orderBy(desc(paymentPlans.createdAt)).limit(1);
  const [dispute] = await db.select({ id: disputes.id }).from(disputes).where(eq(disputes.accountId, payer.accountId)).orderBy(desc(disputes.createdAt)).limit(1);
  const [staff] = await db.select({ to: users.email, name: users.name }).from(users).where(eq(users.role, "ar_admin")).orderBy(asc(users.email)).limit(1);
  const openTotal = sameCurrency.reduce((sum, i) => sum + i.amount, 0);
  return {
    ...sample,
    source: "database",
    payer: { to: payer.to, name: payer.name },
    staff: staff ?? sample.staff,
    accountName: payer.accountName,
    currency,
    invoices: sameCurrency,
    // The account's latest payment when there is one; otherwise its open invoices paid at once.
    payment: payment && paid.length > 0 ? { ...payment, invoices: paid } : { ...sample.payment, amount: openTotal, currency, invoices: sameCurrency },
    planId: plan?.id ?? sample.planId,
    disputeId: dispute?.id ?? sample.disputeId,
  };
}

/** Every email the portal sends, built by its own builder from preview facts: the list at /dev/emails. */
export const EMAIL_TEMPLATES: Record<string, { description: string; build: (f: PreviewFacts) => EmailMessage }> = {
  "sign-in": {
    description: "Sign-in link and code (payers and staff)",
    build: (f) => signInEmail({ ...f.payer, link: `${f.appUrl}/login/verify?token=preview-token`, code: "492817", minutes: SIGN_IN_TOKEN_MINUTES, company: f.company }),
  },
  "payment-receipt": { description: "Card payment succeeded", build: (f) => paymentReceiptEmail(paymentFacts(f)) },
  "payment-processing": { description: "Bank (ACH) payment submitted", build: (f) => paymentProcessingEmail({ ...paymentFacts(f), methodLabel: "Bank account •••• 6789" }) },
  "payment-failed": { description: "Payment failed; invoices open again", build: (f) => paymentFailedEmail({ ...paymentFacts(f), reason: "Your card was declined." }) },
  refund: { description: "Refund issued to the payer", build: (f) => refundEmail({ ...paymentFacts(f), refunded: half(f.payment.amount) }) },
  "chargeback-opened": {
    description: "AR admins: a card payment was charged back",
    build: (f) =>
      chargebackOpenedEmail(f.staff, {
        ...staffFacts(f),
        disputeAmount: f.payment.amount,
        reason: "product_not_received",
        ach: false,
        evidenceDueBy: new Date(`${addDays(today(), 14)}T23:59:59Z`),
        dashboardUrl: "https://dashboard.stripe.com/test/disputes/dp_preview",
        reopened: f.payment.invoices,
      }),
  },
  "chargeback-closed": {
    description: "AR admins: a chargeback was decided",
    build: (f) => chargebackClosedEmail(f.staff, { ...staffFacts(f), disputeAmount: f.payment.amount, outcome: "won", unapplied: 0, dashboardUrl: "https://dashboard.stripe.com/test/disputes/dp_preview" }),
  },
  "refund-failed": { description: "AR admins: Stripe could not return a refund", build: (f) => refundFailedEmail(f.staff, { ...staffFacts(f), refunded: half(f.payment.amount), failureReason: "expired_or_canceled_card" }) },
  "dispute-received": {
    description: "The payer opened a dispute",
    build: (f) => disputeReceivedEmail({ ...disputeFacts(f), amount: formatMoney(f.invoices[0]!.amount, f.currency), dueBy: formatDate(addDays(today(), 5)) }),
  },
  "dispute-reply": { description: "AR replied on a dispute", build: (f) => disputeReplyEmail({ ...disputeFacts(f), body: "We checked the delivery note: 3 of the 10 cases arrived damaged.\nWe will credit those." }) },
  "dispute-info-requested": { description: "AR needs more information", build: (f) => disputeInfoRequestedEmail({ ...disputeFacts(f), body: "Please send photos of the damaged cases and the delivery note." }) },
  "dispute-resolved": {
    description: "A dispute was credited or rejected",
    build: (f) => disputeResolvedEmail({ ...disputeFacts(f), outcome: `We credited ${formatMoney(half(f.invoices[0]!.amount), f.currency)} to invoice ${f.invoices[0]!.number}.`, note: "Thank you for your patience." }),
  },
  "mandate-confirmation": {
    description: "Plan paid by bank debit: the authorization (Nacha)",
    build: (f) => mandateConfirmationEmail({ ...planFacts(f), authorizedOn: today(), holder: f.accountName, bank: "STRIPE TEST BANK", last4: "6789", schedule: schedule(f) }),
  },
  "plan-awaiting-approval": { description: "Plan authorized, waiting for AR approval", build: (f) => planAwaitingApprovalEmail({ ...planFacts(f), total: total(f) }) },
  "plan-active": { description: "Plan approved and active", build: (f) => planActiveEmail({ ...planFacts(f), total: total(f), methodLabel: f.payment.methodLabel ?? "Visa •••• 4242", schedule: schedule(f) }) },
  "installment-reminder": {
    description: "An installment is charged in a few days",
    build: (f) => installmentReminderEmail({ ...planFacts(f), amount: schedule(f)[1]!.amount, dueDate: schedule(f)[1]!.dueDate, methodLabel: f.payment.methodLabel ?? "Visa •••• 4242" }),
  },
  "installment-failed": {
    description: "An installment charge failed; retry scheduled",
    build: (f) => installmentFailedEmail({ ...planFacts(f), amount: schedule(f)[0]!.amount, reason: "Your card has insufficient funds.", nextAttemptOn: addDays(today(), 3), authenticationRequired: false }),
  },
  "plan-defaulted": { description: "Plan ended unpaid after its last retry", build: (f) => planDefaultedEmail({ ...planFacts(f), remaining: total(f) }) },
  "plan-defaulted-staff": { description: "AR admins: a plan defaulted", build: (f) => planDefaultedStaffEmail({ ...planFacts(f), ...f.staff, planUrl: `${f.appUrl}/admin/plans/${f.planId}`, accountName: f.accountName, remaining: total(f) }) },
  "plan-awaiting-approval-staff": {
    description: "AR admins: a plan above the threshold needs approval",
    build: (f) => planAwaitingApprovalStaffEmail({ ...planFacts(f), ...f.staff, planUrl: `${f.appUrl}/admin/plans/${f.planId}`, accountName: f.accountName, total: total(f) }),
  },
  "plan-ended": { description: "Plan paid in full, canceled or declined", build: (f) => planEndedEmail({ ...planFacts(f), outcome: "completed", reason: null }) },
  reminder: {
    description: "Collections: the day's grouped reminder with its pay link (the template is the cadence step's)",
    build: (f) =>
      reminderEmail({
        to: f.payer.to,
        company: f.company,
        accountName: f.accountName,
        currency: f.currency,
        subject: "Past due: {{total_due}} for {{account_name}}",
        body: "Our records show the invoices below for {{account_name}} are past due. Please pay them with the link below, or reply to tell us when to expect payment.",
        lines: f.invoices.map((i, n) => ({ number: i.number, dueDate: addDays(today(), -7 - n * 7), daysLate: 7 + n * 7, amountDue: n === 0 ? i.amount - half(i.amount) : i.amount, amountOnHold: n === 0 ? half(i.amount) : 0 })),
        payUrl: `${f.appUrl}/pay-link/preview-token`,
        payLinkExpiresOn: addDays(today(), 30),
        portalUrl: f.appUrl,
      }),
  },
  "reminder-early-payment": {
    description: "Collections: a reminder before the due date, for an invoice still inside its early-payment discount window (2/10 net 30)",
    build: (f) => {
      const first = f.invoices[0]!;
      const saves = Math.round(first.amount * 0.02);
      return reminderEmail({
        to: f.payer.to,
        company: f.company,
        accountName: f.accountName,
        currency: f.currency,
        subject: "Coming due: {{total_due}} for {{account_name}}",
        body: "A friendly reminder: the invoice below for {{account_name}} is coming due. {{discount_offer}}",
        lines: [{ number: first.number, dueDate: addDays(today(), 3), daysLate: -3, amountDue: first.amount, amountOnHold: 0, offer: { until: addDays(today(), 2), payInFull: first.amount - saves, saves } }],
        payUrl: `${f.appUrl}/pay-link/preview-token`,
        payLinkExpiresOn: addDays(today(), 30),
        portalUrl: f.appUrl,
      });
    },
  },
  "late-fees-posted": {
    description: "Late fees: the fees one run posted on an account (one email per account and run)",
    build: (f) =>
      lateFeesPostedEmail({
        to: f.payer.to,
        name: f.payer.name,
        company: f.company,
        invoicesUrl: `${f.appUrl}/invoices`,
        fees: f.invoices.map((i) => ({
          number: `${i.number}-LF1`,
          parentNumber: i.number,
          amount: percentOf(i.amount, 150),
          currency: f.currency,
          description: `Late fee: 1.5 % of ${formatMoney(i.amount, f.currency)} overdue on ${i.number} (period 1)`,
        })),
      }),
  },
  "card-expiring": {
    description: "Payer: a card a plan, autopay or the default uses expires within 30 days (once per card and expiry)",
    build: (f) =>
      expiringCardEmail({
        to: f.payer.to,
        name: f.payer.name,
        company: f.company,
        methodsUrl: `${f.appUrl}/payment-methods`,
        label: "Visa •••• 4242",
        expiresOn: "2027-01-31",
        uses: [`charged for your payment plan of ${formatMoney(total(f), f.currency)}`, "your default payment method"],
      }),
  },
  "promise-broken": {
    description: "Collector: a promise to pay was broken",
    build: (f) =>
      brokenPromiseEmail({ to: f.staff.to, collectorName: f.staff.name, company: f.company, accountName: f.accountName, accountUrl: `${f.appUrl}/admin/customers/preview`, amount: total(f), paidSince: 0, currency: f.currency, promisedFor: addDays(today(), -3) }),
  },
};

export function renderPreview(name: string, facts: PreviewFacts): (EmailMessage & { name: string; description: string }) | null {
  const template = Object.hasOwn(EMAIL_TEMPLATES, name) ? EMAIL_TEMPLATES[name] : undefined;
  return template ? { name, description: template.description, ...template.build(facts) } : null;
}

const half = (amount: number) => Math.max(1, Math.round(amount / 2));
const total = (f: PreviewFacts) => f.invoices.reduce((sum, i) => sum + i.amount, 0);

/** Three monthly installments of the invoices' total, the first today. */
function schedule(f: PreviewFacts): Array<{ dueDate: string; amount: number }> {
  const sum = total(f);
  const each = Math.floor(sum / 3);
  return [0, 1, 2].map((n) => ({ dueDate: addDays(today(), 30 * n), amount: n === 2 ? sum - 2 * each : each }));
}

const paymentFacts = (f: PreviewFacts) => ({
  ...f.payer,
  company: f.company,
  paymentUrl: `${f.appUrl}/payments/${f.payment.id}`,
  amount: f.payment.amount,
  currency: f.payment.currency,
  methodLabel: f.payment.methodLabel,
  invoices: f.payment.invoices,
});
const staffFacts = (f: PreviewFacts) => ({ accountName: f.accountName, paymentId: f.payment.id, amount: f.payment.amount, currency: f.payment.currency, methodLabel: f.payment.methodLabel, planId: null });
const disputeFacts = (f: PreviewFacts) => ({ ...f.payer, company: f.company, invoiceNumber: f.invoices[0]!.number, disputeUrl: `${f.appUrl}/disputes/${f.disputeId}` });
const planFacts = (f: PreviewFacts) => ({ ...f.payer, company: f.company, planUrl: `${f.appUrl}/plans/${f.planId}`, currency: f.currency });
