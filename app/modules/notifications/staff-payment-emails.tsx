import { eq, inArray } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import type { Payment } from "#db/schema/payments";
import type { Executor } from "~/db.server";
import { env } from "~/env.server";
import { formatMoney } from "~/utils/money";
import { ActionLink, EmailLayout, Greeting, Paragraph, renderEmail, textFooter } from "./email-layout";
import type { EmailMessage } from "./mailer.server";

/** What every AR-team alert about one payment says: whose payment, how much, where to look. */
export interface StaffPaymentFacts {
  accountName: string;
  paymentId: string;
  amount: number;
  currency: string;
  methodLabel: string | null;
  /** Part of a payment plan: the plan is not changed automatically. */
  planId: string | null;
}

interface Recipient {
  to: string;
  name: string;
}

/** The AR admins: chargebacks and failed refunds are theirs to act on. */
export async function arAdmins(tx: Executor): Promise<Recipient[]> {
  const rows = await tx.select({ email: users.email, name: users.name }).from(users).where(inArray(users.role, ["ar_admin"]));
  return rows.map((r) => ({ to: r.email, name: r.name }));
}

export async function staffPaymentFacts(tx: Executor, payment: Payment): Promise<StaffPaymentFacts> {
  const [account] = await tx.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, payment.accountId));
  return { accountName: account?.name ?? payment.accountId, paymentId: payment.id, amount: payment.amount, currency: payment.currency, methodLabel: payment.methodLabel, planId: payment.planId };
}

/** Every AR-team alert about a payment: the facts, what happened and what to do, where to act. */
export function StaffPaymentEmail({ name, subject, company, paragraphs, links }: { name: string; subject: string; company: string; paragraphs: string[]; links: Array<{ text: string; url: string }> }) {
  return (
    <EmailLayout title={subject} company={company} reason="ar-admin">
      <Greeting name={name} />
      {paragraphs.map((p, i) => (
        <Paragraph key={i}>{p}</Paragraph>
      ))}
      {links.map((l, i) => (
        <ActionLink key={i} href={l.url}>
          {l.text}
        </ActionLink>
      ))}
    </EmailLayout>
  );
}

function compose(r: Recipient, f: StaffPaymentFacts, subject: string, paragraphs: string[], links: Array<{ text: string; url: string }>): EmailMessage {
  const company = env().COMPANY_NAME;
  const pageUrl = `${env().APP_URL}/admin/payments/${f.paymentId}`;
  const facts = `Payment ${f.paymentId} from ${f.accountName}: ${formatMoney(f.amount, f.currency)}${f.methodLabel ? ` (${f.methodLabel})` : ""}.`;
  const plan = f.planId ? ["This payment paid installments of a payment plan. The plan is not changed and nothing is charged again automatically: decide whether to collect the reopened balance or cancel the plan."] : [];
  const all = [facts, ...paragraphs, ...plan];
  const allLinks = [{ text: "Open the payment", url: pageUrl }, ...links];
  const text = [`Hello ${r.name},`, "", ...all.flatMap((p) => [p, ""]), ...allLinks.map((l) => `${l.text}: ${l.url}`)].join("\n") + textFooter("ar-admin", company);
  return { to: r.to, subject, text, html: renderEmail(<StaffPaymentEmail name={r.name} subject={subject} company={company} paragraphs={all} links={allLinks} />) };
}

const when = (d: Date) => d.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";

export function chargebackOpenedEmail(
  r: Recipient,
  f: StaffPaymentFacts & { disputeAmount: number; reason: string; ach: boolean; evidenceDueBy: Date | null; dashboardUrl: string; reopened: Array<{ number: string; amount: number }> },
): EmailMessage {
  const money = (m: number) => formatMoney(m, f.currency);
  const kind = f.ach ? "bank debit was returned as unauthorized (ACH dispute)" : "card payment was charged back";
  return compose(
    r,
    f,
    `Chargeback: ${money(f.disputeAmount)} from ${f.accountName}`,
    [
      `A ${kind} for ${money(f.disputeAmount)}; reason: ${f.reason.replace(/_/g, " ")}.`,
      f.reopened.length ? `Stripe took the money back, so these balances are open again: ${f.reopened.map((i) => `${i.number} ${money(i.amount)}`).join(", ")}.` : "The invoices' balances reopen when Stripe withdraws the funds.",
      f.ach
        ? "ACH returns cannot be contested through Stripe; contact the customer to collect again."
        : f.evidenceDueBy
          ? `Submit evidence in the Stripe dashboard before ${when(f.evidenceDueBy)}, or accept the dispute.`
          : "Respond in the Stripe dashboard.",
    ],
    [{ text: "Respond in Stripe", url: f.dashboardUrl }],
  );
}

export function chargebackClosedEmail(r: Recipient, f: StaffPaymentFacts & { disputeAmount: number; outcome: string; unapplied: number; dashboardUrl: string }): EmailMessage {
  const money = (m: number) => formatMoney(m, f.currency);
  const won = f.outcome === "won" || f.outcome === "warning_closed";
  return compose(
    r,
    f,
    `Chargeback ${won ? "won" : "lost"}: ${money(f.disputeAmount)} from ${f.accountName}`,
    [
      won ? "The dispute was decided in our favour: the money is back and the invoices are paid again." : "The dispute is lost: the money stays with the customer and the invoices' balances stay open.",
      ...(f.unapplied > 0 ? [`${money(f.unapplied)} of the returned money found no open balance (the invoices were paid again meanwhile): it is a credit to refund or apply.`] : []),
    ],
    [{ text: "The dispute in Stripe", url: f.dashboardUrl }],
  );
}

export function refundFailedEmail(r: Recipient, f: StaffPaymentFacts & { refunded: number; failureReason: string | null }): EmailMessage {
  const money = (m: number) => formatMoney(m, f.currency);
  return compose(
    r,
    f,
    `Refund failed: ${money(f.refunded)} to ${f.accountName}`,
    [
      `Stripe could not return ${money(f.refunded)} to the customer${f.failureReason ? ` (${f.failureReason.replace(/_/g, " ")})` : ""}. The money is back in our Stripe balance and the invoices count as paid again.`,
      "Contact the customer to refund them another way, or refund again once they have a working card or account.",
    ],
    [],
  );
}
