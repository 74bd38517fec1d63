/**
 * The hosted pages a browser sees: Checkout (`/checkout/:id`), the 3-D Secure stand-in
 * (`/authenticate/:intent`) and receipts. Plain server-rendered HTML, no script, no external
 * resources; every state change is a POST.
 */
import type Stripe from "stripe";
import { type Emulator, type RequestContext } from "./context";
import { createBankPaymentMethod, createCardPaymentMethod, attachPaymentMethod } from "./resources/payment-methods";
import { completeCheckoutSession, ensureSessionCustomer, expireIfDue, sessionLineItems } from "./resources/checkout-sessions";
import { completePaymentAuthentication, confirmPaymentIntent, createPaymentIntent } from "./resources/payment-intents";
import { type MicrodepositInput, verifyFromPage } from "./resources/microdeposits";
import { completeSetupAuthentication, confirmSetupIntent, createSetupIntent } from "./resources/setup-intents";
import { cardBehaviour, expectedLength, luhnValid, TEST_ROUTING_NUMBER } from "./test-values";
import { ApiError, formatAmount, idOf } from "./wire";

export interface PageResult {
  status: number;
  html?: string;
  /** 303 target after a POST. */
  location?: string;
  /** Origins this page's forms may lead to (for the CSP's form-action, which also covers redirects). */
  formTargets?: string[];
}

type Form = Record<string, string>;
type FieldErrors = Partial<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// HTML helpers

function esc(value: string | number | null | undefined): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1f36;background:#f6f9fc}
main{max-width:34rem;margin:2rem auto;padding:2rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
table{width:100%;border-collapse:collapse}
th,td{padding:.375rem 0;text-align:left;border-bottom:1px solid #e3e8ee}
td.num,th.num{text-align:right}
tfoot th,tfoot td{font-weight:700;border-bottom:0}
fieldset{border:1px solid #e3e8ee;border-radius:.375rem;margin:1rem 0;padding:1rem}
legend{font-weight:600;padding:0 .25rem}
.field{margin:0 0 .875rem}
.field label{display:block;font-weight:500;margin-bottom:.25rem}
input[type=text],input[type=email],select{width:100%;padding:.5rem .625rem;font:inherit;border:1px solid #8792a2;border-radius:.25rem}
input:focus-visible,select:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #635bff;outline-offset:2px}
input[aria-invalid=true]{border-color:#c0123c}
.choice{display:flex;gap:1.5rem;flex-wrap:wrap}
.choice label{font-weight:500}
.field-error{color:#c0123c;margin:.25rem 0 0;font-size:.9375rem}
.alert{border:2px solid #c0123c;background:#fff5f7;color:#8a0d2b;border-radius:.375rem;padding:.75rem 1rem;margin:1rem 0}
.alert ul{margin:.25rem 0 0;padding-left:1.25rem}
.alert a{color:#8a0d2b}
.mandate{font-size:.875rem;background:#f6f9fc;border-radius:.25rem;padding:.75rem;margin:.5rem 0 .75rem}
.check{display:flex;gap:.5rem;align-items:flex-start}
.check input{margin-top:.3rem;width:1.125rem;height:1.125rem}
button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border:0;border-radius:.375rem;background:#635bff;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1a1f36;border:1px solid #8792a2}
.wide{width:100%}
.actions{display:flex;gap:1rem;margin-top:1rem}
.note{margin-top:2rem;font-size:.8125rem;color:#4f566b}
.hint{font-size:.875rem;color:#4f566b;margin:0 0 .25rem}
form:has(#pm-card:checked) .bank-fields,form:has(#pm-us_bank_account:checked) .card-fields{display:none}
form:has(#holder-company:checked) .mandate-individual,form:not(:has(#holder-company:checked)) .mandate-company{display:none}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
<p class="note">Stripe emulator · test mode · no real money moves.</p>
</main>
</body>
</html>`;
}

function field(options: {
  id: string;
  label: string;
  value?: string;
  errors: FieldErrors;
  type?: "text" | "email";
  autocomplete?: string;
  inputmode?: "numeric" | "email" | "text" | "decimal";
  placeholder?: string;
  hint?: string;
  readonly?: boolean;
}): string {
  const error = options.errors[options.id];
  const describedBy = [options.hint ? `${options.id}-hint` : "", error ? `${options.id}-error` : ""].filter(Boolean).join(" ");
  return `<div class="field">
<label for="${options.id}">${esc(options.label)}</label>
${options.hint ? `<p class="hint" id="${options.id}-hint">${esc(options.hint)}</p>` : ""}
<input type="${options.type ?? "text"}" id="${options.id}" name="${options.id}" value="${esc(options.value)}"${options.autocomplete ? ` autocomplete="${options.autocomplete}"` : ""}${options.inputmode ? ` inputmode="${options.inputmode}"` : ""}${options.placeholder ? ` placeholder="${esc(options.placeholder)}"` : ""}${options.readonly ? " readonly" : ""} aria-required="true"${error ? ` aria-invalid="true"` : ""}${describedBy ? ` aria-describedby="${describedBy}"` : ""}>
${error ? `<p class="field-error" id="${options.id}-error">${esc(error)}</p>` : ""}
</div>`;
}

function originOf(url: string | null | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Checkout page

const FIELD_LABELS: Record<string, string> = {
  email: "Email",
  payment_method_type: "Payment method",
  card_number: "Card number",
  card_expiry: "Expiration date",
  card_cvc: "Security code",
  card_name: "Name on card",
  account_holder_name: "Account holder name",
  routing_number: "Routing number",
  account_number: "Account number",
  account_type: "Account type",
  mandate: "Authorization",
};

interface CheckoutView {
  errors: FieldErrors;
  alert?: string;
  values: Form;
}

function sessionTotal(session: Stripe.Checkout.Session): string | null {
  return session.mode === "payment" && session.currency ? formatAmount(session.amount_total ?? 0, session.currency) : null;
}

function needsEmail(session: Stripe.Checkout.Session): boolean {
  return !session.customer;
}

/**
 * The authorization shown above "I authorize": personal accounts (WEB entries) and business
 * accounts (CCD entries) are worded differently, as Nacha expects.
 */
export function mandateText(em: Emulator, session: Stripe.Checkout.Session, holderType: "individual" | "company" = "individual"): string {
  const merchant = em.merchantName;
  const date = new Date().toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric" });
  const total = sessionTotal(session);
  const saving = session.mode === "setup" || Boolean(em.state.secrets.sessions[session.id]?.paymentIntentData.setupFutureUsage);
  if (holderType === "company") {
    if (!saving) {
      return `By checking “I authorize” below, you confirm you may act for the business that holds the account above and authorize ${merchant} to initiate a single ACH debit (CCD) of ${total} from it, on or after ${date}, under the terms agreed between your business and ${merchant}. Errors are corrected by credit entries under the Nacha rules that govern business accounts.`;
    }
    const first = total ? ` The first debit, of ${total}, will be made on or after ${date}.` : "";
    return `By checking “I authorize” below, you confirm you may act for the business that holds the account above and authorize ${merchant} to initiate ACH debits (CCD) from it, now and on later dates, for amounts due under the agreement between your business and ${merchant}, starting ${date}.${first} This authorization stays in effect until your business revokes it in writing, in time for ${merchant} to act on it.`;
  }
  if (!saving) {
    return `By checking “I authorize” below, you authorize ${merchant} to make a single debit of ${total} from the bank account above, on or after ${date}, for the items listed. If a debit is made in error, ${merchant} may credit your account to correct it. This authorization is for this one debit only. You can revoke it by contacting us before the debit is made.`;
  }
  const first = total ? ` The first debit, of ${total}, will be made on or after ${date}.` : "";
  return `By checking “I authorize” below, you authorize ${merchant} to debit the bank account above, now and on later dates, for amounts due under your agreement with ${merchant} (such as scheduled installments), starting ${date}.${first} Each debit will be for an amount you have agreed to in advance. You can revoke this authorization at any time by contacting us; revoking does not affect debits already initiated.`;
}

function renderCheckout(em: Emulator, session: Stripe.Checkout.Session, view: CheckoutView): string {
  const types: string[] = session.payment_method_types.filter((t) => t === "card" || t === "us_bank_account");
  const selected = types.includes(view.values.payment_method_type ?? "") ? view.values.payment_method_type! : types[0]!;
  const total = sessionTotal(session);
  const lines = sessionLineItems(em, session);
  const errorEntries = Object.entries(view.errors).filter((entry): entry is [string, string] => Boolean(entry[1]));
  const alert = view.alert
    ? `<div class="alert" role="alert" id="form-alert"><p>${esc(view.alert)}</p></div>`
    : errorEntries.length > 0
      ? `<div class="alert" role="alert" id="form-alert"><p>Please correct the following:</p><ul>${errorEntries
          .map(([id, message]) => `<li><a href="#${id}">${esc(FIELD_LABELS[id] ?? id)}: ${esc(message)}</a></li>`)
          .join("")}</ul></div>`
      : "";
  const summary =
    session.mode === "payment"
      ? `<h2 id="summary-heading">Order summary</h2>
<table aria-labelledby="summary-heading">
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>${lines
          .map((l) => `<tr><td>${esc(l.description)}</td><td class="num">${esc(l.quantity)}</td><td class="num">${esc(formatAmount(l.amount_total, l.currency))}</td></tr>`)
          .join("")}</tbody>
<tfoot><tr><th scope="row" colspan="2">Total due</th><td class="num">${esc(total)}</td></tr></tfoot>
</table>`
      : `<p>Save a payment method with ${esc(em.merchantName)} for future payments. Nothing is charged now.</p>`;
  const customer = em.state.customers[idOf(session.customer) ?? ""];
  const email = needsEmail(session)
    ? field({ id: "email", label: "Email", type: "email", value: view.values.email ?? session.customer_email ?? "", errors: view.errors, autocomplete: "email", inputmode: "email", readonly: Boolean(session.customer_email) })
    : customer?.email
      ? // Like Stripe: the receipt goes to payment_intent_data.receipt_email when the merchant set one.
        `<p>Paying as <strong>${esc(customer.email)}</strong>${receiptEmailOf(em, session) && receiptEmailOf(em, session) !== customer.email ? `; receipt to <strong>${esc(receiptEmailOf(em, session)!)}</strong>` : ""}</p>`
      : receiptEmailOf(em, session)
        ? `<p>Receipt to <strong>${esc(receiptEmailOf(em, session)!)}</strong></p>`
        : "";
  const choice = `<fieldset><legend>Payment method</legend><div class="choice">${types
    .map(
      (t) =>
        `<span><input type="radio" name="payment_method_type" id="pm-${t}" value="${t}"${t === selected ? " checked" : ""}> <label for="pm-${t}">${t === "card" ? "Card" : "US bank account"}</label></span>`,
    )
    .join("")}</div></fieldset>`;
  const card = types.includes("card")
    ? `<fieldset class="card-fields"><legend>Card details</legend>
${field({ id: "card_number", label: "Card number", value: view.values.card_number, errors: view.errors, autocomplete: "cc-number", inputmode: "numeric", placeholder: "1234 1234 1234 1234" })}
${field({ id: "card_expiry", label: "Expiration date (MM / YY)", value: view.values.card_expiry, errors: view.errors, autocomplete: "cc-exp", inputmode: "numeric", placeholder: "MM / YY" })}
${field({ id: "card_cvc", label: "Security code (CVC)", value: view.values.card_cvc, errors: view.errors, autocomplete: "cc-csc", inputmode: "numeric", placeholder: "CVC" })}
${field({ id: "card_name", label: "Name on card", value: view.values.card_name, errors: view.errors, autocomplete: "cc-name" })}
</fieldset>`
    : "";
  const accountType = view.values.account_type === "savings" ? "savings" : "checking";
  const holderType = view.values.account_holder_type === "company" ? "company" : "individual";
  const verification = session.payment_method_options?.us_bank_account?.verification_method ?? "automatic";
  // "automatic" lets the payer fall back to microdeposits (manual entry); "microdeposits" always uses them.
  const verificationChoice =
    verification === "automatic"
      ? `<fieldset><legend>Verification</legend><div class="choice">
<span><input type="radio" name="verification" id="verify-instant" value="instant"${view.values.verification === "microdeposits" ? "" : " checked"}> <label for="verify-instant">Verify instantly</label></span>
<span><input type="radio" name="verification" id="verify-microdeposits" value="microdeposits"${view.values.verification === "microdeposits" ? " checked" : ""}> <label for="verify-microdeposits">Verify with microdeposits (1–2 business days)</label></span>
</div></fieldset>`
      : verification === "microdeposits"
        ? `<p>We will send two small deposits to this account in 1–2 business days; you will confirm their amounts to finish.</p>`
        : "";
  const mandateError = view.errors.mandate;
  const bank = types.includes("us_bank_account")
    ? `<fieldset class="bank-fields"><legend>Bank account details</legend>
${field({ id: "account_holder_name", label: "Account holder name", value: view.values.account_holder_name, errors: view.errors, autocomplete: "name" })}
${field({ id: "routing_number", label: "Routing number", value: view.values.routing_number, errors: view.errors, inputmode: "numeric", hint: "9 digits (test: 110000000)" })}
${field({ id: "account_number", label: "Account number", value: view.values.account_number, errors: view.errors, inputmode: "numeric" })}
<div class="field"><label for="account_type">Account type</label>
<select id="account_type" name="account_type"><option value="checking"${accountType === "checking" ? " selected" : ""}>Checking</option><option value="savings"${accountType === "savings" ? " selected" : ""}>Savings</option></select></div>
<fieldset><legend>Account holder</legend><div class="choice">
<span><input type="radio" name="account_holder_type" id="holder-individual" value="individual"${holderType === "individual" ? " checked" : ""}> <label for="holder-individual">Personal account</label></span>
<span><input type="radio" name="account_holder_type" id="holder-company" value="company"${holderType === "company" ? " checked" : ""}> <label for="holder-company">Business account</label></span>
</div></fieldset>
${verificationChoice}
<div class="mandate" id="mandate-text"><p class="mandate-individual">${esc(mandateText(em, session, "individual"))}</p><p class="mandate-company">${esc(mandateText(em, session, "company"))}</p></div>
<div class="check"><input type="checkbox" id="mandate" name="mandate" value="accepted" aria-required="true" aria-describedby="mandate-text${mandateError ? " mandate-error" : ""}"${mandateError ? ` aria-invalid="true"` : ""}>
<label for="mandate">I authorize ${esc(em.merchantName)} to debit my bank account as described above.</label></div>
${mandateError ? `<p class="field-error" id="mandate-error">${esc(mandateError)}</p>` : ""}
</fieldset>`
    : "";
  const submit = session.mode === "payment" ? `Pay ${total}` : "Save payment method";
  const cancel = session.cancel_url ? `<p><a href="${esc(session.cancel_url)}">Cancel and return</a></p>` : "";
  return layout(
    session.mode === "payment" ? `Pay ${total} – ${em.merchantName}` : `Save a payment method – ${em.merchantName}`,
    `<h1>${session.mode === "payment" ? "Complete your payment" : "Save a payment method"}</h1>
${summary}
${alert}
<form method="post" action="/checkout/${esc(session.id)}" novalidate>
${email}
${choice}
${card}
${bank}
<button type="submit" class="wide">${esc(submit)}</button>
</form>
${cancel}`,
  );
}

function endedPage(session: Stripe.Checkout.Session): PageResult {
  if (session.status === "expired") {
    const back = session.cancel_url ? `<p><a href="${esc(session.cancel_url)}">Return to the merchant</a></p>` : "";
    return { status: 410, html: layout("Checkout expired", `<h1>This checkout session has expired</h1><p>Nothing was charged. Start again from the merchant's site.</p>${back}`) };
  }
  const next = session.success_url ? `<p><a href="${esc(successUrl(session))}">Continue</a></p>` : "";
  const what = session.mode === "setup" ? "Your payment method was saved." : session.payment_status === "paid" ? "Your payment was received." : "Your payment is being processed.";
  return { status: 200, html: layout("Checkout complete", `<h1>This checkout session is complete</h1><p>${what}</p>${next}`) };
}

function successUrl(session: Stripe.Checkout.Session): string {
  return (session.success_url ?? "").split("{CHECKOUT_SESSION_ID}").join(session.id);
}

/** Where the payer goes once the session completes: the success URL, or a plain confirmation. */
function finished(session: Stripe.Checkout.Session): PageResult {
  if (session.success_url) return { status: 303, location: successUrl(session) };
  return endedPage(session);
}

interface CardFields {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  name: string;
}

function parseExpiry(raw: string): { month: number; year: number } | string {
  const text = raw.replace(/\s+/g, "");
  if (!text) return "Your card's expiration date is incomplete.";
  const match = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(text);
  if (!match) return "Your card's expiration date is invalid.";
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return "Your card's expiration month is invalid.";
  const now = new Date();
  if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) return "Your card's expiration date is in the past.";
  if (year > now.getUTCFullYear() + 50) return "Your card's expiration year is invalid.";
  return { month, year };
}

function readCard(form: Form, errors: FieldErrors): CardFields | undefined {
  const number = (form.card_number ?? "").replace(/[\s-]/g, "");
  if (!number) errors.card_number = "Your card number is incomplete.";
  else if (!/^\d+$/.test(number) || number.length !== expectedLength(number) || !luhnValid(number)) errors.card_number = "Your card number is invalid.";
  const expiry = parseExpiry(form.card_expiry ?? "");
  if (typeof expiry === "string") errors.card_expiry = expiry;
  const cvc = (form.card_cvc ?? "").trim();
  const cvcLength = number.startsWith("34") || number.startsWith("37") ? 4 : 3;
  if (!cvc) errors.card_cvc = "Your card's security code is incomplete.";
  else if (!/^\d+$/.test(cvc) || cvc.length !== cvcLength) errors.card_cvc = "Your card's security code is invalid.";
  const name = (form.card_name ?? "").trim();
  if (!name) errors.card_name = "Enter the name on your card.";
  if (Object.keys(errors).length > 0 || typeof expiry === "string") return undefined;
  return { number, expMonth: expiry.month, expYear: expiry.year, cvc, name };
}

interface BankFields {
  name: string;
  routingNumber: string;
  accountNumber: string;
  accountType: "checking" | "savings";
  holderType: "individual" | "company";
  microdeposits: boolean;
}

function readBank(form: Form, errors: FieldErrors): BankFields | undefined {
  const name = (form.account_holder_name ?? "").trim();
  if (!name) errors.account_holder_name = "Enter the account holder's name.";
  const routingNumber = (form.routing_number ?? "").replace(/\s/g, "");
  // Test mode knows one bank: any other routing number is refused like an unknown bank.
  if (!/^\d{9}$/.test(routingNumber) || routingNumber !== TEST_ROUTING_NUMBER) errors.routing_number = "Your routing number is invalid.";
  const accountNumber = (form.account_number ?? "").replace(/\s/g, "");
  if (!/^\d{4,17}$/.test(accountNumber)) errors.account_number = "Your account number is invalid.";
  const accountType = form.account_type === "savings" ? "savings" : "checking";
  if (form.mandate !== "accepted") errors.mandate = "Check “I authorize” to accept the debit authorization.";
  if (Object.keys(errors).length > 0) return undefined;
  const holderType = form.account_holder_type === "company" ? "company" : "individual";
  return { name, routingNumber, accountNumber, accountType, holderType, microdeposits: form.verification === "microdeposits" };
}

function readEmail(session: Stripe.Checkout.Session, form: Form, errors: FieldErrors): string | null {
  if (!needsEmail(session)) return null;
  const email = (session.customer_email ?? form.email ?? "").trim();
  if (!email) errors.email = "Enter your email address.";
  else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.email = "Your email address is invalid.";
  return email || null;
}

/** The session's PaymentIntent, created on the first attempt and reused by the next ones. */
function sessionPaymentIntent(em: Emulator, session: Stripe.Checkout.Session, customer: string | null, req: RequestContext): Stripe.PaymentIntent {
  const existing = em.state.paymentIntents[idOf(session.payment_intent) ?? ""];
  if (existing) {
    if (customer && !existing.customer) existing.customer = customer;
    return existing;
  }
  const data = em.state.secrets.sessions[session.id]!.paymentIntentData;
  const pi = createPaymentIntent(
    em,
    {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? "usd",
      customer,
      allowedTypes: session.payment_method_types,
      paymentMethod: null,
      description: data.description,
      metadata: { ...data.metadata },
      setupFutureUsage: data.setupFutureUsage,
      receiptEmail: data.receiptEmail,
      statementDescriptor: data.statementDescriptor,
      statementDescriptorSuffix: data.statementDescriptorSuffix,
      captureMethod: "automatic_async",
      confirmationMethod: "automatic",
      verificationMethod: session.payment_method_options?.us_bank_account?.verification_method,
    },
    req,
  );
  session.payment_intent = pi.id;
  return pi;
}

function sessionSetupIntent(em: Emulator, session: Stripe.Checkout.Session, customer: string | null, req: RequestContext): Stripe.SetupIntent {
  const existing = em.state.setupIntents[idOf(session.setup_intent) ?? ""];
  if (existing) {
    if (customer && !existing.customer) existing.customer = customer;
    return existing;
  }
  const data = em.state.secrets.sessions[session.id]!.setupIntentData;
  const si = createSetupIntent(
    em,
    {
      customer,
      allowedTypes: session.payment_method_types,
      paymentMethod: null,
      description: data.description,
      metadata: { ...data.metadata },
      usage: "off_session",
      verificationMethod: session.payment_method_options?.us_bank_account?.verification_method,
    },
    req,
  );
  session.setup_intent = si.id;
  return si;
}

function submitCheckout(em: Emulator, session: Stripe.Checkout.Session, form: Form, req: RequestContext): PageResult {
  const errors: FieldErrors = {};
  const values: Form = { ...form };
  // Like Stripe, never echo card secrets back into the page.
  delete values.card_cvc;
  const type = form.payment_method_type ?? "";
  if (!session.payment_method_types.includes(type)) errors.payment_method_type = "Choose a payment method.";
  const email = readEmail(session, form, errors);
  const card = type === "card" ? readCard(form, errors) : undefined;
  const bank = type === "us_bank_account" ? readBank(form, errors) : undefined;
  if (Object.keys(errors).length > 0 || (!card && !bank)) return { status: 400, html: renderCheckout(em, session, { errors, values }) };

  const name = card?.name ?? bank?.name ?? null;
  const details = { name, email: email ?? em.state.customers[idOf(session.customer) ?? ""]?.email ?? null };
  const pm = card
    ? createCardPaymentMethod(em, { number: card.number, expMonth: card.expMonth, expYear: card.expYear, cvc: card.cvc, name: card.name, email: details.email })
    : createBankPaymentMethod(em, { routingNumber: bank!.routingNumber, accountNumber: bank!.accountNumber, accountType: bank!.accountType, holderType: bank!.holderType, name, email: details.email });
  const declines = card ? cardBehaviour(card.number).kind === "declined" : false;
  const failed = (message: string) => {
    delete values.card_number;
    return { status: 402, html: renderCheckout(em, session, { errors: {}, alert: message, values }) };
  };

  if (session.mode === "setup") {
    if (declines) {
      const si = sessionSetupIntent(em, session, idOf(session.customer), req);
      const result = confirmSetupIntent(em, si, pm, { req });
      return result.status === "failed" ? failed(result.error.message) : failed("Your card was declined.");
    }
    // Saved first, then set up: the order Stripe's events arrive in.
    const customer = ensureSessionCustomer(em, session, details, req);
    attachPaymentMethod(em, pm, customer, req);
    const si = sessionSetupIntent(em, session, customer, req);
    const result = confirmSetupIntent(em, si, pm, {
      acceptance: bank ? { type: "online", ipAddress: req.ip ?? "127.0.0.1", userAgent: req.userAgent ?? "" } : undefined,
      microdeposits: bank?.microdeposits ?? false,
      req,
    });
    if (result.status === "failed") return failed(result.error.message);
    // Microdeposits: the session completes now; the bank account is verified later.
    if (result.status === "requires_action" && si.next_action?.type !== "verify_with_microdeposits") return { status: 303, location: `/authenticate/${si.id}` };
    completeCheckoutSession(em, session, { ...details, paymentStatus: "no_payment_required" }, req);
    return finished(session);
  }

  const saving = Boolean(em.state.secrets.sessions[session.id]?.paymentIntentData.setupFutureUsage);
  let customer = idOf(session.customer);
  if (saving && !declines) {
    customer = ensureSessionCustomer(em, session, details, req);
    const kind = card ? cardBehaviour(card.number).kind : "succeeds";
    // Methods that will be charged at once are saved before the intent exists (Stripe's event order).
    if (kind === "succeeds" || kind === "dispute" || kind === "refund_fails" || bank) attachPaymentMethod(em, pm, customer, req);
  }
  const pi = sessionPaymentIntent(em, session, customer, req);
  const result = confirmPaymentIntent(em, pi, pm, {
    offSession: false,
    acceptance: bank ? { type: "online", ipAddress: req.ip ?? "127.0.0.1", userAgent: req.userAgent ?? "" } : undefined,
    microdeposits: bank?.microdeposits ?? false,
    req,
  });
  if (result.status === "failed") return failed(result.error.message);
  if (result.status === "requires_action" && pi.next_action?.type !== "verify_with_microdeposits") return { status: 303, location: `/authenticate/${pi.id}` };
  completeCheckoutSession(em, session, { ...details, paymentStatus: result.status === "succeeded" ? "paid" : "unpaid" }, req);
  return finished(session);
}

export function checkoutPage(em: Emulator, sessionId: string, method: string, form: Form, req: RequestContext): PageResult {
  const session = em.state.checkoutSessions[sessionId];
  if (!session) return { status: 404, html: layout("Not found", "<h1>Checkout session not found</h1><p>The link may be wrong or the session may have been removed.</p>") };
  expireIfDue(em, session);
  const targets = [...originOf(session.success_url), ...originOf(session.cancel_url)];
  if (session.status !== "open") return { ...endedPage(session), formTargets: targets };
  if (method !== "POST") return { status: 200, html: renderCheckout(em, session, { errors: {}, values: {} }), formTargets: targets };
  try {
    return { ...submitCheckout(em, session, form, req), formTargets: targets };
  } catch (error) {
    // A refusal from the engine (e.g. a method that can't be saved) is shown like a decline.
    if (error instanceof ApiError) return { status: error.status, html: renderCheckout(em, session, { errors: {}, alert: error.message, values: {} }), formTargets: targets };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication (the 3-D Secure stand-in)

function intentAmount(em: Emulator, intent: Stripe.PaymentIntent | Stripe.SetupIntent): string {
  return intent.object === "payment_intent" ? `a payment of ${formatAmount(intent.amount, intent.currency)} to ${em.merchantName}` : `saving your card with ${em.merchantName}`;
}

function returnTo(intent: Stripe.PaymentIntent | Stripe.SetupIntent, returnUrl: string, succeeded: boolean): string {
  const url = new URL(returnUrl);
  const prefix = intent.object === "payment_intent" ? "payment_intent" : "setup_intent";
  url.searchParams.set(prefix, intent.id);
  url.searchParams.set(`${prefix}_client_secret`, intent.client_secret ?? "");
  url.searchParams.set("redirect_status", succeeded ? "succeeded" : "failed");
  return url.toString();
}

export function authenticatePage(em: Emulator, intentId: string, method: string, form: Form, req: RequestContext): PageResult {
  const intent: Stripe.PaymentIntent | Stripe.SetupIntent | undefined = em.state.paymentIntents[intentId] ?? em.state.setupIntents[intentId];
  if (!intent) return { status: 404, html: layout("Not found", "<h1>Nothing to authenticate</h1><p>This authentication link is not valid.</p>") };
  const session = Object.values(em.state.checkoutSessions).find((s) => idOf(s.payment_intent) === intent.id || idOf(s.setup_intent) === intent.id);
  const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
  const targets = [...originOf(returnUrl), ...originOf(session?.success_url)];
  if (intent.status !== "requires_action") {
    const back = session?.status === "open" ? `<p><a href="/checkout/${esc(session.id)}">Back to checkout</a></p>` : "";
    return { status: 200, html: layout("Nothing to authenticate", `<h1>Nothing to authenticate</h1><p>This payment does not need authentication any more.</p>${back}`), formTargets: targets };
  }
  if (method !== "POST") {
    return {
      status: 200,
      formTargets: targets,
      html: layout(
        "Authenticate this payment",
        `<h1>Authenticate this payment</h1>
<p>Your bank asks you to confirm ${esc(intentAmount(em, intent))}.</p>
<p>This is the emulator's stand-in for 3-D Secure: choose how the authentication ends.</p>
<form method="post" action="/authenticate/${esc(intent.id)}" class="actions">
<button type="submit" name="outcome" value="complete">Complete</button>
<button type="submit" name="outcome" value="fail" class="secondary">Fail</button>
</form>`,
      ),
    };
  }
  const success = form.outcome === "complete";
  if (intent.object === "payment_intent") completePaymentAuthentication(em, intent, success, req);
  else completeSetupAuthentication(em, intent, success, req);

  if (session && session.status === "open") {
    if (!success) {
      return {
        status: 402,
        formTargets: targets,
        html: renderCheckout(em, session, { errors: {}, alert: "We are unable to authenticate your payment method. Please choose a different payment method and try again.", values: {} }),
      };
    }
    const pm = em.state.paymentMethods[idOf(intent.payment_method) ?? ""];
    const details = { name: pm?.billing_details.name ?? null, email: pm?.billing_details.email ?? null };
    completeCheckoutSession(em, session, { ...details, paymentStatus: session.mode === "setup" ? "no_payment_required" : "paid" }, req);
    return { ...finished(session), formTargets: targets };
  }
  if (returnUrl) return { status: 303, location: returnTo(intent, returnUrl, success), formTargets: targets };
  const outcome = success ? "Authentication complete. You can close this page." : "Authentication failed. You can close this page.";
  return { status: 200, html: layout("Authentication finished", `<h1>Authentication finished</h1><p>${outcome}</p>`) };
}

// ---------------------------------------------------------------------------------------------
// Receipts

export function receiptPage(em: Emulator, chargeId: string): PageResult {
  const charge = em.state.charges[chargeId];
  if (!charge) return { status: 404, html: layout("Not found", "<h1>Receipt not found</h1>") };
  const details = charge.payment_method_details;
  const method = details?.card ? `${details.card.brand ?? "card"} ending in ${details.card.last4 ?? ""}` : details?.us_bank_account ? `bank account ending in ${details.us_bank_account.last4 ?? ""}` : "";
  const refunded = charge.amount_refunded > 0 ? `<tr><th scope="row">Refunded</th><td>${esc(formatAmount(charge.amount_refunded, charge.currency))}</td></tr>` : "";
  return {
    status: 200,
    html: layout(
      `Receipt from ${em.merchantName}`,
      `<h1>Receipt from ${esc(em.merchantName)}</h1>
<table><tbody>
<tr><th scope="row">Amount</th><td>${esc(formatAmount(charge.amount, charge.currency))}</td></tr>
${refunded}
<tr><th scope="row">Date</th><td>${esc(new Date(charge.created * 1000).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric" }))}</td></tr>
<tr><th scope="row">Payment method</th><td>${esc(method)}</td></tr>
<tr><th scope="row">Status</th><td>${esc(charge.status)}</td></tr>
<tr><th scope="row">Description</th><td>${esc(charge.description)}</td></tr>
</tbody></table>`,
    ),
  };
}

function receiptEmailOf(em: Emulator, session: { id: string }): string | null {
  return em.state.secrets.sessions[session.id]?.paymentIntentData.receiptEmail ?? null;
}

// ---------------------------------------------------------------------------------------------
// Microdeposit verification (Stripe's hosted_verification_url)

/** "0.32", "$0.32" or "32" → 32 cents; anything else → NaN. */
function readCents(raw: string | undefined): number {
  const text = (raw ?? "").trim().replace(/^\$/, "");
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const match = /^0?\.(\d{2})$/.exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export function microdepositPage(em: Emulator, intentId: string, method: string, form: Form, req: RequestContext): PageResult {
  const intent = em.state.paymentIntents[intentId] ?? em.state.setupIntents[intentId];
  if (!intent) return { status: 404, html: layout("Not found", "<h1>Verification not found</h1><p>The link may be wrong.</p>") };
  const title = `Verify your bank account – ${em.merchantName}`;
  const done = (message: string) => ({ status: 200, html: layout(title, `<h1>Verify your bank account</h1><p role="status">${esc(message)}</p>`) });
  if (intent.status !== "requires_action" || intent.next_action?.type !== "verify_with_microdeposits") {
    if (intent.status === "processing" || intent.status === "succeeded") return done("Your bank account is verified.");
    return done("This verification is no longer open. Return to the merchant's site.");
  }
  let alert = "";
  if (method === "POST") {
    const code = (form.descriptor_code ?? "").trim();
    const input: MicrodepositInput = code ? { descriptorCode: code } : { amounts: [readCents(form.amount_1), readCents(form.amount_2)] };
    const invalidAmounts = input.amounts?.some((a) => Number.isNaN(a));
    if (invalidAmounts) alert = "Enter both amounts in dollars, like 0.32, or the 6-character code that starts with SM.";
    else {
      const result = verifyFromPage(em, intent, input, req);
      if (result.ok) return done("Your bank account is verified.");
      if (result.final) return done(result.message);
      alert = result.message;
    }
  }
  return {
    status: alert ? 400 : 200,
    html: layout(
      title,
      `<h1>Verify your bank account</h1>
<p>${esc(em.merchantName)} sent two small deposits to your bank account. Enter their amounts as they appear on your statement (or the 6-character code starting with SM shown with a single deposit).</p>
${alert ? `<div class="alert" role="alert"><p>${esc(alert)}</p></div>` : ""}
<form method="post" action="/microdeposit/${esc(intent.id)}" novalidate>
${field({ id: "amount_1", label: "First deposit ($)", value: "", errors: {}, inputmode: "decimal", placeholder: "0.00" })}
${field({ id: "amount_2", label: "Second deposit ($)", value: "", errors: {}, inputmode: "decimal", placeholder: "0.00" })}
${field({ id: "descriptor_code", label: "Or the code (SM…)", value: "", errors: {} })}
<button type="submit" class="wide">Verify</button>
</form>`,
    ),
  };
}
