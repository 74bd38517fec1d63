import { describe, expect, it } from "vitest";
import { SIGN_IN_TOKEN_MINUTES } from "~/modules/auth/policy";
import { signInEmail } from "~/modules/auth/sign-in-email";
import { disputeReplyEmail, disputeResolvedEmail } from "~/modules/disputes/dispute-emails";
import { mandateConfirmationEmail } from "~/modules/plans/plan-emails";
import { env } from "~/env.server";
import { EMAIL_TEMPLATES, renderPreview, sampleFacts, type PreviewFacts } from "./email-previews.server";
import { paymentReceiptEmail } from "./payment-emails";

const facts = sampleFacts();
const payLink = `${facts.appUrl}/payments/${facts.payment.id}`;
const planLink = `${facts.appUrl}/plans/${facts.planId}`;
const disputeLink = `${facts.appUrl}/disputes/${facts.disputeId}`;
const staffPaymentLink = `${facts.appUrl}/admin/payments/${facts.payment.id}`;

/** What each email must say (in both parts) besides the layout: its amounts, numbers and links. */
const KEY_FACTS: Record<string, string[]> = {
  "sign-in": [`${facts.appUrl}/login/verify?token=preview-token`, "492817", `work once and expire in ${SIGN_IN_TOKEN_MINUTES} minutes`],
  "payment-receipt": ["USD 1,730.50", "INV-20417", "USD 1,250.00", "INV-20418", "USD 480.50", "Visa •••• 4242", payLink],
  "payment-processing": ["USD 1,730.50", "up to 4 business days", "Bank account •••• 6789", payLink],
  "payment-failed": ["USD 1,730.50", "Your card was declined.", "INV-20417", payLink],
  refund: ["Refund issued: USD 865.25", "We refunded USD 865.25", payLink],
  "chargeback-opened": ["Northwind Traders", "USD 1,730.50", "product not received", "INV-20417 USD 1,250.00", staffPaymentLink, "https://dashboard.stripe.com/test/disputes/dp_preview"],
  "chargeback-closed": ["Chargeback won", "USD 1,730.50", staffPaymentLink],
  "refund-failed": ["USD 865.25", "expired or canceled card", staffPaymentLink],
  "dispute-received": ["INV-20417", "USD 1,250.00", disputeLink],
  "dispute-reply": ["INV-20417", "3 of the 10 cases arrived damaged", disputeLink],
  "dispute-info-requested": ["INV-20417", "photos of the damaged cases", disputeLink],
  "dispute-resolved": ["We credited USD 625.00 to invoice INV-20417", disputeLink],
  "mandate-confirmation": ["Northwind Traders", "STRIPE TEST BANK", "account ending 6789", "USD 576.83", "USD 576.84", planLink],
  "plan-awaiting-approval": ["USD 1,730.50", "waiting for approval", planLink],
  "plan-active": ["USD 1,730.50", "USD 576.83", "Visa •••• 4242", planLink],
  "installment-reminder": ["USD 576.83", "Visa •••• 4242", planLink],
  "installment-failed": ["USD 576.83", "insufficient funds", "We will try again on", planLink],
  "plan-defaulted": ["USD 1,730.50", planLink],
  "plan-defaulted-staff": ["Northwind Traders", "USD 1,730.50", `${facts.appUrl}/admin/plans/${facts.planId}`],
  "plan-awaiting-approval-staff": ["Northwind Traders", "USD 1,730.50", `${facts.appUrl}/admin/plans/${facts.planId}`],
  "plan-ended": ["paid in full", "every installment of your payment plan is paid", planLink],
  // INV-20417 is half disputed: half asked for, half on hold; INV-20418 asked for in full.
  reminder: ["Past due: USD 1,105.50 for Northwind Traders", "INV-20417", "7 days late", "USD 625.00", "INV-20418", "14 days late", "USD 480.50", "USD 625.00 of invoice INV-20417 is on hold", `${facts.appUrl}/pay-link/preview-token`],
  // INV-20417 (USD 1,250.00) on 2/10: the offer fills {{discount_offer}} and has its own line.
  "reminder-early-payment": ["Coming due: USD 1,250.00 for Northwind Traders", "due in 3 days", "Pay USD 1,225.00 by", "and save USD 25.00 on invoice INV-20417.", `${facts.appUrl}/pay-link/preview-token`],
  "late-fees-posted": ["Late fees added: USD 25.96", "INV-20417-LF1", "Late fee: 1.5 % of USD 1,250.00 overdue on INV-20417 (period 1)", "USD 18.75", "INV-20418-LF1", "USD 7.21", `${facts.appUrl}/invoices`],
  "card-expiring": ["Your card Visa •••• 4242 expires soon", "expires on Jan 31, 2027", "charged for your payment plan of USD 1,730.50 and your default payment method", `${facts.appUrl}/payment-methods`],
  "promise-broken": ["Northwind Traders broke its promise to pay USD 1,730.50", "has paid USD 0.00 of it", `${facts.appUrl}/admin/customers/preview`],
};

/** The footer reason said by each kind: who gets it and why. */
const reasonOf = (name: string) =>
  name === "sign-in"
    ? /because someone asked to sign in/
    : name === "refund"
      ? /refunded a payment you made/
      : name.startsWith("payment-")
        ? /because you made a payment/
        : name.startsWith("dispute-")
          ? /because you disputed an invoice/
          : name.startsWith("chargeback-") || name === "refund-failed" || name.endsWith("-staff")
            ? /because you are an accounts receivable administrator/
            : name.startsWith("reminder") || name === "late-fees-posted" || name === "card-expiring"
              ? /has this address as a billing contact of your account/
              : name === "promise-broken"
                ? /because you are the collector of this account/
                : /because you set up a payment plan/;

const unescape = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

describe("every email template renders in the one layout", () => {
  it("the list of key facts covers every template", () => {
    expect(Object.keys(KEY_FACTS).sort()).toEqual(Object.keys(EMAIL_TEMPLATES).sort());
  });

  it.each(Object.keys(EMAIL_TEMPLATES))("%s", (name) => {
    const email = renderPreview(name, facts)!;
    const html = email.html!;
    // The layout: a whole document titled with the subject, the company on top, the reason at the foot.
    expect(html.startsWith("<!doctype html><html")).toBe(true);
    expect(unescape(html)).toContain(`<title>${email.subject}</title>`);
    const companyAt = html.indexOf(`>${env().COMPANY_NAME}</p>`);
    expect(companyAt).toBeGreaterThan(html.indexOf("<body"));
    expect(companyAt).toBeLessThan(html.indexOf("Hello "));
    expect(html).toMatch(reasonOf(name));
    expect(email.text.trimEnd().split("\n").at(-1)).toMatch(reasonOf(name));
    expect(email.text).toMatch(/^Hello /);
    // Its facts, in both parts (or the subject); links as real links in the HTML.
    for (const fact of KEY_FACTS[name]!) {
      expect(`${email.subject}\n${email.text}`, `${name} text: ${fact}`).toContain(fact);
      expect(unescape(html), `${name} html: ${fact}`).toContain(fact);
    }
    for (const url of KEY_FACTS[name]!.filter((f) => f.startsWith("http"))) expect(html).toContain(`href="${url.replace(/&/g, "&amp;")}"`);
    expect(html).not.toMatch(/<script/i);
  });
});

describe("what payers and staff typed arrives as text, never as markup", () => {
  const hostile = "<script>alert(1)</script>";
  const evil: PreviewFacts = {
    ...facts,
    company: `Evil & <b>Co</b>`,
    payer: { to: "pat@northwind.test", name: hostile },
    staff: { to: "ar@company.example", name: `"><img src=x onerror=alert(2)>` },
    accountName: `<iframe src="https://evil.example">`,
    invoices: [{ number: `<img src=x onerror=alert(3)>`, amount: 1000 }],
    payment: { ...facts.payment, methodLabel: "<svg onload=alert(4)>", invoices: [{ number: "INV-<u>1</u>", amount: 1000 }] },
  };

  it.each(Object.keys(EMAIL_TEMPLATES))("%s", (name) => {
    const html = renderPreview(name, evil)!.html!;
    expect(html).not.toMatch(/<(script|img|iframe|svg|b|u)[\s>]/i);
    expect(html).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;|&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;|&lt;iframe src=&quot;https:\/\/evil.example&quot;&gt;/);
  });

  it("a dispute note or reply with markup is shown as its characters, line breaks kept", () => {
    const dispute = { to: "pat@northwind.test", name: "Pat", company: "Acme & Sons", invoiceNumber: "INV-1", disputeUrl: "http://portal.test/disputes/d1?a=1&b=2" };
    const reply = disputeReplyEmail({ ...dispute, body: `line one\n</p><script>alert(5)</script>` });
    expect(reply.html).toContain("line one<br/>&lt;/p&gt;&lt;script&gt;alert(5)&lt;/script&gt;");
    expect(reply.html).toContain('href="http://portal.test/disputes/d1?a=1&amp;b=2"');
    expect(reply.html).toContain(">Acme &amp; Sons</p>");
    expect(reply.text).toContain("line one\n</p><script>alert(5)</script>");
    const resolved = disputeResolvedEmail({ ...dispute, outcome: "We credited USD 10.00.", note: `<a href="https://evil.example">click</a>` });
    expect(resolved.html).not.toContain('<a href="https://evil.example"');
    expect(resolved.html).toContain("&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt;");
  });
});

describe("the plain-text parts are what they were before the components", () => {
  it("sign-in: link and code on their own lines", () => {
    const email = signInEmail({ to: "pat@northwind.test", name: "Pat", link: "http://portal.test/login/verify?token=abc", code: "123456", minutes: 15, company: "Acme Supply Co." });
    expect(email.subject).toBe("Your sign-in link for Acme Supply Co.");
    expect(email.text).toBe(
      [
        "Hello Pat,",
        "",
        "Open this link to sign in to the Acme Supply Co. payment portal:",
        "http://portal.test/login/verify?token=abc",
        "",
        "Or enter this code on the sign-in page: 123456",
        "",
        "The link and code work once and expire in 15 minutes.",
        "If you did not ask to sign in, you can ignore this email.",
        "",
        "-- ",
        "You received this email because someone asked to sign in to the Acme Supply Co. payment portal with this address.",
      ].join("\n"),
    );
    expect(email.html).toContain('href="http://portal.test/login/verify?token=abc"');
  });

  it("receipt: invoices, total, method and the pay link", () => {
    const email = paymentReceiptEmail({ to: "pat@northwind.test", name: "Pat", company: "Acme Supply Co.", paymentUrl: "http://portal.test/payments/p1", amount: 17_500, currency: "USD", methodLabel: "Visa •••• 4242", invoices: [{ number: "INV-1", amount: 12_500 }, { number: "INV-2", amount: 5_000 }] });
    expect(email.text).toBe(
      [
        "Hello Pat,",
        "",
        "Thank you. We received your payment of USD 175.00.",
        "",
        "  INV-1: USD 125.00",
        "  INV-2: USD 50.00",
        "  Total: USD 175.00",
        "  Paid with: Visa •••• 4242",
        "",
        "Your receipt (with a PDF copy) is in the portal:",
        "",
        "http://portal.test/payments/p1",
        "",
        "-- ",
        "You received this email because you made a payment in the Acme Supply Co. payment portal.",
      ].join("\n"),
    );
  });

  it("plan schedule: one installment a line in both parts", () => {
    const email = mandateConfirmationEmail({ to: "pat@northwind.test", name: "Pat", company: "Acme Supply Co.", planUrl: "http://portal.test/plans/p1", currency: "USD", authorizedOn: "2026-11-24", holder: "Northwind", bank: "STRIPE TEST BANK", last4: "6789", schedule: [{ dueDate: "2026-11-24", amount: 5000 }, { dueDate: "2026-12-24", amount: 5000 }] });
    expect(email.text).toContain("Nov 24, 2026: USD 50.00\nDec 24, 2026: USD 50.00\n");
    expect(email.html).toContain("Nov 24, 2026: USD 50.00<br/>Dec 24, 2026: USD 50.00");
  });
});
