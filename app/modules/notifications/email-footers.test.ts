import { describe, expect, it } from "vitest";
import { disputeReceivedEmail, disputeResolvedEmail } from "~/modules/disputes/dispute-emails";
import { installmentReminderEmail, planAwaitingApprovalStaffEmail, planDefaultedEmail } from "~/modules/plans/plan-emails";
import type { EmailMessage } from "./mailer.server";
import { paymentFailedEmail, paymentReceiptEmail, refundEmail } from "./payment-emails";
import { signInEmail } from "~/modules/auth/sign-in-email";

const company = "Acme Supply Co.";
const payment = { to: "pat@northwind.example", name: "Pat", company, paymentUrl: "http://portal.test/payments/p1", amount: 12_500, currency: "usd", methodLabel: "Visa •••• 4242", invoices: [{ number: "INV-1", amount: 12_500 }] };
const dispute = { to: "pat@northwind.example", name: "Pat", company, invoiceNumber: "INV-1", disputeUrl: "http://portal.test/disputes/d1" };
const plan = { to: "pat@northwind.example", name: "Pat", company, planUrl: "http://portal.test/plans/p1", currency: "usd" };

const rendered: Record<string, [EmailMessage, RegExp]> = {
  "sign-in link": [signInEmail({ to: "pat@northwind.example", name: "Pat", link: "http://portal.test/login/verify?t=x", code: "123456", minutes: 15, company }), /because someone asked to sign in to the Acme Supply Co\. payment portal/],
  receipt: [paymentReceiptEmail(payment), /because you made a payment in the Acme Supply Co\. payment portal/],
  "failed payment": [paymentFailedEmail({ ...payment, reason: "Your card was declined." }), /because you made a payment/],
  refund: [refundEmail({ ...payment, refunded: 500 }), /because Acme Supply Co\. refunded a payment you made/],
  "dispute received": [disputeReceivedEmail({ ...dispute, amount: "$10.00", dueBy: "Dec 9, 2026" }), /because you disputed an invoice of your account/],
  "dispute resolved": [disputeResolvedEmail({ ...dispute, outcome: "We credited $10.00.", note: "" }), /because you disputed an invoice/],
  "installment reminder": [installmentReminderEmail({ ...plan, amount: 5000, dueDate: "2026-12-09", methodLabel: "Visa •••• 4242" }), /because you set up a payment plan/],
  "plan defaulted": [planDefaultedEmail({ ...plan, remaining: 5000 }), /because you set up a payment plan/],
  "plan awaiting approval (staff)": [planAwaitingApprovalStaffEmail({ ...plan, accountName: "Northwind", total: 2_000_000 }), /because you are an accounts receivable administrator/],
};

describe("each kind of email ends with the reason its addressee got it", () => {
  it.each(Object.entries(rendered))("%s", (_kind, [email, reason]) => {
    expect(email.html).toMatch(reason);
    expect(email.text).toMatch(reason);
    expect(email.text.trimEnd().split("\n").at(-1)).toMatch(reason);
  });

  it("only the sign-in email says someone asked to sign in", () => {
    const saying = Object.entries(rendered).filter(([, [email]]) => /asked to sign in/.test(email.html + email.text)).map(([kind]) => kind);
    expect(saying).toEqual(["sign-in link"]);
  });
});
