import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { accounts, users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, savedPaymentMethods, type Payment, type SavedPaymentMethod } from "#db/schema/payments";
import { userWants } from "~/modules/notifications/account-recipients.server";
import { db, type Executor, type Tx } from "~/db.server";
import { env } from "~/env.server";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { stripe } from "~/modules/stripe/client.server";
import { lockPayerInvoices } from "~/modules/invoices/lock-payer-invoices.server";
import { invoiceScope } from "~/modules/invoices/scope.server";
import { payLinkUrl } from "~/modules/collections/pay-link-token.server";
import { companyToday } from "~/modules/terms/company-date.server";
import { discountFor, spreadCredits } from "~/modules/terms/quote-rules";
import { basisHolds, mostPayableToday, quoteBasis, storeQuote, termsOf } from "~/modules/terms/quote.server";
import { hasNul } from "~/utils/nul";
import { checkAllocations, minimumTotal, type AllocationProblem } from "./allocation-rules";
import { accountCredits } from "#db/schema/terms";
import { applyCredits } from "~/modules/credits/apply-credits.server";
import { setLedgerDate } from "~/modules/analytics/ledger-date.server";
import { formatMoney } from "~/utils/money";
import { today } from "~/utils/clock";
import { chargeSavedCard } from "./charge-saved-card.server";
import { chargeOffSession, type OffSessionAuthorization } from "./charge-off-session.server";
import { releasePayment } from "./reserve.server";
import { paymentIs } from "./payment-states";
import { payAmountField } from "./payment-form-fields";
import { actorUserId, auditActor, systemActor, type PayerActor, type PayLinkActor } from "~/modules/auth/actor";
import { conflict, invalid, isProblem, type Problem } from "~/utils/problem";
import { log } from "~/utils/log.server";
import { capabilityToken } from "~/modules/auth/secrets.server";

export interface StartPaymentInput {
  /** The payer's active account: only its invoices can be paid. */
  accountId: string;
  /** The pay form's one-time id (a double submit finds the payment it already made). */
  attemptId: string;
  amounts: Array<{ invoiceId: string; amount: number }>;
  savePaymentMethod: boolean;
  /** Pay with a card saved earlier (saved_payment_methods id) instead of Stripe Checkout. */
  savedMethodId?: string | null;
  /**
   * The basis of the quote the payer was shown (the pay page's `quoteBasis`). When it is given and
   * the quote now reads differently (another day, a payment or dispute meanwhile), nothing is
   * reserved: the payer is shown the new amounts first.
   */
  quoteBasis?: string | null;
  /**
   * Credits the payer chose to apply (each up to what it has left): spread over the invoices in
   * the order given, they lower what is charged; they are applied at once, with the quote.
   */
  credits?: Array<{ creditId: string; amount: number }>;
  /**
   * Autopay only (never from a form): charge the saved method off-session — a card or a verified
   * bank account — under the authorization the payer gave when enrolling.
   */
  offSession?: OffSessionAuthorization;
}

/** The refusal of a payment whose page showed amounts that are no longer today's. */
export const STALE_QUOTE = "quote_stale";

/** Where to send the payer next: Stripe Checkout, or the payment's own page (a saved card, a payment already made). */
export type StartedPayment = { paymentId: string; checkoutUrl: string };
/** Credits covered everything chosen: applied at once, nothing to charge. */
export type SettledByCredit = { settledByCredit: true; quoteId: string; creditTotal: number; discountTotal: number; currency: string; numbers: string[] };

/** Thrown inside the reservation to roll back what it wrote (a credit refused after the quote was stored). */
class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** Who may start a payment: a signed-in payer, or the holder of a pay link (its invoices only). */
export type PayingActor = PayerActor | PayLinkActor;

/**
 * A pay link's payments have no user: their form attempt is kept as `link:<payLinkId>:<attempt>`,
 * which also says which link a payment was made through (its page shows only those).
 */
export const payLinkAttemptPrefix = (payLinkId: string) => `link:${payLinkId}:`;
/** Payments made through one pay link. */
export const madeThroughPayLink = (payLinkId: string): SQL => sql`starts_with(${payments.clientAttemptId}, ${payLinkAttemptPrefix(payLinkId)})`;
const attemptKey = (actor: PayingActor, attemptId: string) => (actor.kind === "pay_link" ? `${payLinkAttemptPrefix(actor.payLinkId)}${attemptId}` : attemptId);
const attemptOwner = (actor: PayingActor) => (actor.kind === "pay_link" ? isNull(payments.createdByUserId) : eq(payments.createdByUserId, actor.userId));

/** Where Checkout sends the payer back: the payment's page in the portal, or the pay link's page. */
export function paymentReturnUrl(actor: PayingActor, paymentId: string): string {
  return actor.kind === "pay_link" ? `${payLinkUrl(actor.payLinkId)}?payment=${paymentId}` : `${env().APP_URL}/payments/${paymentId}`;
}

/** How Checkout opens: where it returns to, and whether a bank debit must be verified instantly. */
export interface CheckoutOptions {
  returnUrl?: string;
  /** A pay link's holder is not signed in: a bank account must be verified (Financial Connections), never by microdeposits. */
  instantBankVerification?: boolean;
}
const checkoutOptions = (actor: PayingActor, paymentId: string): CheckoutOptions => ({ returnUrl: paymentReturnUrl(actor, paymentId), instantBankVerification: actor.kind === "pay_link" });

const CHECKOUT_MINUTES = 30;

/**
 * Starts paying one or several invoices: reserves the amounts on the invoices (locked, so two
 * tabs or two payers can never take the same cent), then opens a Stripe Checkout Session for
 * exactly those amounts. Amounts come from the request but are checked against the database's
 * payable balances; nothing the client says about balances is trusted.
 */
export async function startPayment(actor: PayingActor, input: StartPaymentInput & { credits?: undefined }): Promise<StartedPayment | Problem>;
export async function startPayment(actor: PayingActor, input: StartPaymentInput): Promise<StartedPayment | SettledByCredit | Problem>;
export async function startPayment(actor: PayingActor, input: StartPaymentInput): Promise<StartedPayment | SettledByCredit | Problem> {
  // A pay link pays its own account's invoices with what Checkout collects: no saved cards, nothing saved.
  if (actor.kind === "pay_link" && (input.accountId !== actor.accountId || input.savedMethodId || input.savePaymentMethod || input.credits?.length)) {
    return allocationProblem([{ invoiceId: null, message: "One of these invoices could not be found. Reload the page and try again." }]);
  }
  const existing = await findAttempt(actor, input.attemptId);
  if (existing) return resume(actor, existing);

  let payment: Payment;
  try {
    const reserved = await reserve(actor, input).catch((e: unknown) => {
      if (e instanceof Refused) return e.problem;
      throw e;
    });
    if (isProblem(reserved)) return reserved;
    if (reserved.kind === "existing") return resume(actor, reserved.payment);
    if (reserved.kind === "credited") return reserved.settled;
    payment = reserved.payment;
    if (reserved.savedMethod) {
      const customer = await ensureStripeCustomer(payment.accountId);
      if (input.offSession) await chargeOffSession(payment, customer, reserved.savedMethod, input.offSession);
      else await chargeSavedCard(payment, customer, reserved.savedMethod.stripePaymentMethodId);
      return { paymentId: payment.id, checkoutUrl: paymentReturnUrl(actor, payment.id) };
    }
  } catch (e) {
    // The same form submitted twice at once: the second insert hits the attempt's unique key.
    const again = await findAttempt(actor, input.attemptId);
    if (again) return resume(actor, again);
    throw e;
  }
  return openCheckout(payment, checkoutOptions(actor, payment.id));
}

/** Where a form already submitted (the same attempt id) went: its payment, resumed; null for a new attempt. */
export async function resumeAttempt(actor: PayingActor, attemptId: string): Promise<StartedPayment | Problem | null> {
  const existing = await findAttempt(actor, attemptId);
  return existing ? resume(actor, existing) : null;
}

async function findAttempt(actor: PayingActor, attemptId: string, executor: Executor = db) {
  const [payment] = await executor
    .select()
    .from(payments)
    .where(and(attemptOwner(actor), eq(payments.clientAttemptId, attemptKey(actor, attemptId))))
    .limit(1);
  return payment;
}

async function resume(actor: PayingActor, payment: Payment): Promise<StartedPayment | Problem> {
  if (payment.checkoutUrl && paymentIs("open", payment.status)) return { paymentId: payment.id, checkoutUrl: payment.checkoutUrl };
  if (paymentIs("open", payment.status) && !payment.stripeCheckoutSessionId) return openCheckout(payment, checkoutOptions(actor, payment.id));
  return { paymentId: payment.id, checkoutUrl: paymentReturnUrl(actor, payment.id) };
}

/**
 * Locks the chosen invoices of one account, in id order: a payer's only if they are a contact of
 * the account, a pay link's only if the link names them (fewer rows than ids: one was not theirs).
 */
function lockInvoices(tx: Tx, actor: PayingActor, input: { ids: string[]; accountId: string }) {
  if (actor.kind === "payer") return lockPayerInvoices(tx, { ids: input.ids, accountId: input.accountId, userId: actor.userId });
  return tx
    .select()
    .from(invoices)
    .where(and(inArray(invoices.id, input.ids.filter((id) => !hasNul(id))), eq(invoices.accountId, input.accountId), invoiceScope(actor)))
    .orderBy(invoices.id)
    .for("update");
}

/** The payer's allocation problems as one Problem: each invoice's at its amount field, the rest as the form's message. */
function allocationProblem(problems: AllocationProblem[]): Problem {
  const fields = Object.fromEntries(problems.flatMap((p) => (p.invoiceId ? [[payAmountField(p.invoiceId), p.message]] : [])));
  const general = problems.filter((p) => !p.invoiceId).map((p) => p.message).join(" ");
  return invalid(general || problems[0]!.message, { fields });
}

async function reserve(
  actor: PayingActor,
  input: StartPaymentInput,
): Promise<{ kind: "new"; payment: Payment; savedMethod: SavedPaymentMethod | null } | { kind: "existing"; payment: Payment } | { kind: "credited"; settled: SettledByCredit } | Problem> {
  const ids = [...new Set(input.amounts.map((a) => a.invoiceId))].sort();
  if (ids.length !== input.amounts.length) return allocationProblem([{ invoiceId: null, message: "Each invoice can appear only once." }]);
  return db.transaction(async (tx) => {
    // The payer's scope: only invoices of an account they are a contact of (another's is "not found").
    const rows = await lockInvoices(tx, actor, { ids, accountId: input.accountId });
    if (rows.length !== ids.length) return allocationProblem([{ invoiceId: null, message: "One of these invoices could not be found. Reload the page and try again." }]);
    // A second submit of the same form waited for our locks: the first one's payment is there now.
    const earlier = await findAttempt(actor, input.attemptId, tx);
    if (earlier) return { kind: "existing" as const, payment: earlier };

    // The quote: what is payable today by the terms (an early-payment discount lowers the most
    // that can be paid, and each amount earns its discount), on the company's calendar.
    const quotedOn = companyToday();
    const credits = await lockChosenCredits(tx, input);
    if (isProblem(credits)) return credits;
    if (input.quoteBasis != null && !basisHolds(input.quoteBasis, quotedOn, rows, credits)) {
      return conflict("The amount due changed since this page was opened (an early-payment discount ended, or a payment, credit or dispute changed a balance). Nothing was charged: check the new amounts and pay again.", { code: STALE_QUOTE });
    }
    const requested = input.amounts.map((a) => {
      const invoice = rows.find((r) => r.id === a.invoiceId)!;
      return { invoiceId: invoice.id, number: invoice.number, currency: invoice.currency, payable: mostPayableToday(invoice, quotedOn), amount: a.amount, invoice };
    });
    const problems = checkAllocations(requested, { allowBelowMinimum: credits.length > 0 });
    if (problems.length > 0) return allocationProblem(problems);
    const currency = requested[0]!.currency;
    const wrongCurrency = credits.find((c) => c.currency !== currency);
    if (wrongCurrency) return allocationProblem([{ invoiceId: null, message: `That credit is in ${wrongCurrency.currency}; these invoices are in ${currency}.` }]);
    // Credits go to the invoices in the order shown (oldest due first), each up to what is put towards it.
    const applications = spreadCredits(
      credits.map((c) => ({ creditId: c.id, amount: c.chosen })),
      [...requested].sort((a, b) => a.invoice.dueDate.localeCompare(b.invoice.dueDate) || a.number.localeCompare(b.number)).map((r) => ({ invoiceId: r.invoiceId, amount: r.amount })),
    );
    const priced = requested.map((r) => {
      const credit = applications.filter((a) => a.invoiceId === r.invoiceId).reduce((s, a) => s + a.amount, 0);
      return { ...r, credit, charge: r.amount - credit, discount: discountFor(termsOf(r.invoice), r.amount, quotedOn) };
    });
    const total = priced.reduce((s, r) => s + r.charge, 0);
    if (total > 0 && total < minimumTotal(currency)) {
      return allocationProblem([{ invoiceId: null, message: `After your credit, ${formatMoney(total, currency)} is left to pay, below the ${formatMoney(minimumTotal(currency), currency)} a card or bank payment can be. Apply less credit or pay more.` }]);
    }
    let savedMethod: SavedPaymentMethod | null = null;
    if (input.savedMethodId) {
      // An id with U+0000 (a tampered form) is no saved card: the query could not even run.
      const [saved] = hasNul(input.savedMethodId)
        ? []
        : await tx
            .select()
            .from(savedPaymentMethods)
            .where(
              and(
                eq(savedPaymentMethods.id, input.savedMethodId),
                eq(savedPaymentMethods.accountId, input.accountId),
                isNull(savedPaymentMethods.removedAt),
                eq(savedPaymentMethods.verification, "verified"),
                // On the pay page the payer is there to confirm a card; a bank account is debited only by autopay's authorization.
                input.offSession ? undefined : eq(savedPaymentMethods.type, "card"),
              ),
            );
      if (!saved) return allocationProblem([{ invoiceId: null, message: "That saved card is no longer available. Choose another way to pay." }]);
      savedMethod = saved;
    }

    const quote = await storeQuote(tx, {
      accountId: input.accountId,
      currency,
      quotedOn,
      basis: quoteBasis(quotedOn, rows, credits),
      requests: priced.map((r) => ({ invoice: r.invoice, amount: r.amount, credit: r.credit })),
      credits: applications,
    });
    if (applications.length > 0) {
      const applied = await applyCredits(tx, actor, { accountId: input.accountId, applications, quoteId: quote.id });
      if (isProblem(applied)) throw new Refused(applied);
    }
    // An invoice the credit covers alone settles now, with its early-payment discount.
    for (const r of priced.filter((p) => p.charge === 0 && p.discount > 0)) await takeDiscountNow(tx, { accountId: input.accountId, invoiceId: r.invoiceId, number: r.number, currency, discount: r.discount, quoteId: quote.id });
    if (total === 0) {
      const settled = { settledByCredit: true as const, quoteId: quote.id, creditTotal: quote.creditTotal, discountTotal: quote.discountTotal, currency, numbers: priced.map((r) => r.number) };
      return { kind: "credited" as const, settled };
    }
    const charged = priced.filter((r) => r.charge > 0);
    const [payment] = await tx
      .insert(payments)
      .values({
        accountId: input.accountId,
        createdByUserId: actorUserId(actor),
        clientAttemptId: attemptKey(actor, input.attemptId),
        quoteId: quote.id,
        amount: total,
        currency,
        savePaymentMethod: input.savePaymentMethod,
      })
      .returning();
    await tx.insert(paymentAllocations).values(charged.map((r) => ({ paymentId: payment!.id, invoiceId: r.invoiceId, amount: r.charge, discount: r.discount })));
    for (const r of charged) {
      // The discount is reserved with the money: what the payment will settle is no longer payable.
      await tx.update(invoices).set({ amountPending: sql`${invoices.amountPending} + ${r.charge + r.discount}`, updatedAt: sql`now()` }).where(eq(invoices.id, r.invoiceId));
    }
    await recordEvent(tx, {
      type: "payment.created",
      accountId: input.accountId,
      subjectType: "payment",
      subjectId: payment!.id,
      data: { amount: total, currency: payment!.currency, quoteId: quote.id, creditApplied: quote.creditTotal, invoices: charged.map((r) => ({ invoiceId: r.invoiceId, number: r.number, amount: r.charge, discount: r.discount })) },
    });
    await recordAudit(tx, { ...auditActor(actor), action: "payment.started", subjectType: "payment", subjectId: payment!.id, data: { amount: total } });
    return { kind: "new" as const, payment: payment!, savedMethod };
  });
}

/**
 * The credits the payer chose, locked (after the invoices, in id order, as applyCredits locks
 * them), each with the amount chosen: only the account's own, never more than what is left.
 */
async function lockChosenCredits(tx: Tx, input: StartPaymentInput) {
  const chosen = input.credits ?? [];
  if (chosen.length === 0) return [];
  const ids = [...new Set(chosen.map((c) => c.creditId))].sort();
  if (ids.length !== chosen.length || ids.some(hasNul)) return allocationProblem([{ invoiceId: null, message: "Each credit can be used only once. Reload the page and try again." }]);
  const rows = await tx
    .select()
    .from(accountCredits)
    .where(and(inArray(accountCredits.id, ids), eq(accountCredits.accountId, input.accountId)))
    .orderBy(accountCredits.id)
    .for("update");
  if (rows.length !== ids.length) return allocationProblem([{ invoiceId: null, message: "One of these credits could not be found. Reload the page and try again." }]);
  const locked = [];
  for (const c of chosen) {
    const row = rows.find((r) => r.id === c.creditId)!;
    const available = row.amount - row.amountApplied;
    if (!Number.isSafeInteger(c.amount) || c.amount <= 0) return allocationProblem([{ invoiceId: null, message: "Enter an amount of credit to use greater than zero." }]);
    if (c.amount > available) return allocationProblem([{ invoiceId: null, message: `That credit has ${formatMoney(available, row.currency)} left to use.` }]);
    locked.push({ id: row.id, currency: row.currency, available, chosen: c.amount });
  }
  return locked;
}

/** An early-payment discount taken at once (credit covered the invoice inside its window): credited now, and the back office told. */
async function takeDiscountNow(tx: Tx, input: { accountId: string; invoiceId: string; number: string; currency: string; discount: number; quoteId: string }) {
  await setLedgerDate(tx, today());
  const [updated] = await tx
    .update(invoices)
    .set({
      amountCredited: sql`${invoices.amountCredited} + ${input.discount}`,
      amountDiscounted: sql`${invoices.amountDiscounted} + ${input.discount}`,
      status: sql`case when ${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited} - ${input.discount} <= 0 then 'paid' else ${invoices.status} end`,
      updatedAt: sql`now()`,
    })
    .where(eq(invoices.id, input.invoiceId))
    .returning({ status: invoices.status });
  await recordEvent(tx, {
    type: "invoice.discount_taken",
    accountId: input.accountId,
    subjectType: "invoice",
    subjectId: input.invoiceId,
    data: { number: input.number, paymentId: null, quoteId: input.quoteId, paid: 0, discount: input.discount, settled: input.discount, currency: input.currency },
  });
  if (updated?.status === "paid") await recordEvent(tx, { type: "invoice.paid", accountId: input.accountId, subjectType: "invoice", subjectId: input.invoiceId, data: { number: input.number, quoteId: input.quoteId } });
}

/**
 * The account's Stripe customer, created once. Two first payments of an account at once (a double
 * submit, two contacts) take turns on the account's row: Stripe refuses a second request with the
 * same idempotency key while the first is still in flight, so the second waits and reuses the id.
 */
export async function ensureStripeCustomer(accountId: string): Promise<string> {
  const [known] = await db.select({ stripeCustomerId: accounts.stripeCustomerId }).from(accounts).where(eq(accounts.id, accountId));
  if (known?.stripeCustomerId) return known.stripeCustomerId;
  return db.transaction(async (tx) => {
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, accountId)).for("update");
    if (!account) throw new Error(`account ${accountId} not found`);
    if (account.stripeCustomerId) return account.stripeCustomerId;
    const customer = await stripe().customers.create(
      { name: account.name, email: account.billingEmail ?? undefined, metadata: { account_id: account.id, account_number: account.number } },
      { idempotencyKey: `customer-${account.id}` },
    );
    await tx.update(accounts).set({ stripeCustomerId: customer.id }).where(eq(accounts.id, account.id));
    return customer.id;
  });
}

/**
 * Opens the Stripe Checkout Session of a reserved payment (also for a plan's early payment). If
 * Stripe cannot be reached the payment is canceled at once (its balances released) and the payer
 * is told nothing was charged.
 */
export async function openCheckout(payment: Payment, options: CheckoutOptions = {}): Promise<StartedPayment | Problem> {
  const appUrl = env().APP_URL;
  const returnUrl = options.returnUrl ?? `${appUrl}/payments/${payment.id}`;
  const separator = returnUrl.includes("?") ? "&" : "?";
  try {
    const customer = await ensureStripeCustomer(payment.accountId);
    // Stripe's own receipt too goes only to a payer who wants receipts.
    const wantsReceipts = payment.createdByUserId ? await userWants(db, payment.createdByUserId, payment.accountId, "receipts") : false;
    const payerEmail = payment.createdByUserId && wantsReceipts ? (await db.select({ email: users.email }).from(users).where(eq(users.id, payment.createdByUserId)))[0]?.email : undefined;
    const lines = await db
      .select({ invoiceId: paymentAllocations.invoiceId, amount: paymentAllocations.amount, number: invoices.number })
      .from(paymentAllocations)
      .innerJoin(invoices, eq(invoices.id, paymentAllocations.invoiceId))
      .where(eq(paymentAllocations.paymentId, payment.id))
      .orderBy(invoices.number);
    const session = await stripe().checkout.sessions.create(
      {
        mode: "payment",
        customer,
        client_reference_id: payment.id,
        // ACH debits exist only in USD.
        allowed_payment_method_types: payment.currency === "USD" ? ["card", "us_bank_account"] : ["card"],
        ...(options.instantBankVerification && payment.currency === "USD" ? { payment_method_options: { us_bank_account: { verification_method: "instant" as const } } } : {}),
        line_items: lines.map((l) => ({
          quantity: 1,
          price_data: { currency: payment.currency.toLowerCase(), unit_amount: l.amount, product_data: { name: `Invoice ${l.number}` } },
        })),
        metadata: { payment_id: payment.id },
        payment_intent_data: {
          metadata: { payment_id: payment.id },
          // The Customer is the account's (one per account, with its billing email), and Stripe
          // refuses customer_email beside customer; so the receipt goes to the payer who pays.
          ...(payerEmail ? { receipt_email: payerEmail } : {}),
          description: `Payment ${payment.id} for ${lines.map((l) => l.number).join(", ")}`,
          ...(payment.savePaymentMethod ? { setup_future_usage: "off_session" as const } : {}),
        },
        success_url: `${returnUrl}${separator}returned=1`,
        // Checkout's back link cancels the payment at once: the token proves the visit comes from
        // the link we gave Stripe, not from another site (no state change on a forgeable GET).
        cancel_url: `${returnUrl}${separator}canceled=${capabilityToken("checkout-cancel", payment.id)}`,
        expires_at: Math.floor(Date.now() / 1000) + CHECKOUT_MINUTES * 60,
      },
      { idempotencyKey: `checkout-${payment.id}` },
    );
    await db
      .update(payments)
      .set({ stripeCheckoutSessionId: session.id, checkoutUrl: session.url, updatedAt: new Date() })
      .where(eq(payments.id, payment.id));
    return { paymentId: payment.id, checkoutUrl: session.url! };
  } catch (error) {
    log("error", "checkout session failed", { paymentId: payment.id, error: String(error) });
    await db.transaction((tx) => releasePayment(tx, systemActor("stripe"), payment.id, "canceled", { code: "provider_unavailable", message: "The payment provider could not be reached." }));
    return conflict("We could not reach our payment provider, so nothing was charged. Please try again in a moment.");
  }
}
