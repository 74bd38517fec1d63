import { z as z4 } from "zod";
import { percentToBps } from "~/modules/terms/payment-terms";
import { isCalendarDate } from "~/utils/dates";
import { freeTextProblem, singleLineProblem } from "~/utils/text";
import { FEED_DEFAULT_LIMIT_DOC, FEED_MAX_LIMIT_DOC } from "./feed-limits";

/**
 * The /api/v1 request and response shapes. The OpenAPI document (openapi.ts) is generated from
 * these schemas, so the documentation cannot drift from what the handlers type-check against.
 */
export const apiRegistry = z4.registry<{ id: string }>();

export const ApiError = z4
  .object({
    error: z4.object({
      code: z4
        .enum([
          "unauthorized",
          "insufficient_scope",
          "invalid_request",
          "not_found",
          "method_not_allowed",
          "unknown_customer",
          "immutable_field",
          "invoice_locked",
          "invoice_void",
          "total_below_settled",
          "amount_exceeds_payable",
          "number_taken",
          "contact_conflict",
          "idempotency_conflict",
          "payload_too_large",
          "service_unavailable",
        ])
        .describe("Machine-readable error code."),
      message: z4.string().describe("Human-readable explanation."),
      details: z4
        .array(z4.object({ path: z4.string().describe('The offending field, e.g. "lines.0.quantity".'), message: z4.string() }))
        .optional()
        .describe("Per-field problems (`invalid_request` on a request body)."),
    }),
  })
  .describe("Every error answers with this shape.");
apiRegistry.add(ApiError, { id: "Error" });

export const ApiEvent = z4
  .object({
    id: z4.string().describe('Event id, e.g. "ev_01jd…". Use it to deduplicate.'),
    type: z4.string().describe('Event type, e.g. "payment.succeeded", "invoice.paid", "dispute.opened".'),
    created_at: z4.string().describe("When the event was recorded (ISO 8601, UTC)."),
    account_id: z4.string().nullable().describe("The customer account the event belongs to, if any."),
    subject: z4.object({ type: z4.string().describe('e.g. "payment", "invoice", "dispute".'), id: z4.string() }).describe("The object the event is about."),
    data: z4.record(z4.string(), z4.unknown()).describe("Event-specific payload."),
  })
  .describe("A domain event from the portal's outbox.");
apiRegistry.add(ApiEvent, { id: "Event" });

export const EventList = z4
  .object({
    data: z4.array(ApiEvent).describe("Events in feed order ((transaction, sequence) order)."),
    next_cursor: z4.string().describe("Pass as `after` to read the next page. Equals the input cursor when nothing new is available."),
    has_more: z4.boolean().describe("True when more events are available right now; poll again later when false."),
  })
  .describe("A page of the event feed.");
apiRegistry.add(EventList, { id: "EventList" });

export const EventFeedQuery = z4.object({
  after: z4.string().optional().describe("Opaque cursor: the `next_cursor` of the previous page. Omit to start from the first event."),
  limit: z4
    .int()
    .min(1)
    .max(FEED_MAX_LIMIT_DOC)
    .default(FEED_DEFAULT_LIMIT_DOC)
    .optional()
    .describe(`Page size, 1–${FEED_MAX_LIMIT_DOC} (default ${FEED_DEFAULT_LIMIT_DOC}).`),
});

export type ApiEventOut = z4.output<typeof ApiEvent>;
export type EventListOut = z4.output<typeof EventList>;
export type ApiErrorOut = z4.output<typeof ApiError>;

// ---------------------------------------------------------------------------------------------
// Data in: customers and invoices pushed by the back office (ERP).

const ExternalIdDoc = "The back office's own id (1–100 characters, no control characters).";
const IsoDate = z4.iso
  .date()
  // Years 1000–9999 only (PostgreSQL has no year 0); checked once the format is right.
  .refine(isCalendarDate, { message: "Use a real calendar date between 1000-01-01 and 9999-12-31.", when: (payload) => payload.issues.length === 0 })
  .describe("Calendar date, YYYY-MM-DD.");

/**
 * Identifiers, numbers and names: one line, no control or bidi characters (an invoice number with
 * U+202E reads as another number). Free text (memos, reasons, descriptions) keeps line breaks.
 */
const checked = (problem: (text: string) => string | null) => (value: string, ctx: z4.RefinementCtx<string>) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: "custom", message, input: value });
};
const line = (max: number, min = 0) => z4.string().trim().min(min).max(max).superRefine(checked(singleLineProblem));
const freeText = (max: number, min = 0) => z4.string().trim().min(min).max(max).superRefine(checked(freeTextProblem));
const CurrencyCode = z4.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code such as USD.").describe("ISO 4217 currency code, e.g. USD.");
const MinorAmount = z4.int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const PositiveMinorAmount = z4.int().min(1).max(Number.MAX_SAFE_INTEGER).describe("Integer minor units (cents), > 0.");

const TermDays = z4.int().min(0).max(365);

/** Net days and an optional early-payment discount, e.g. 2/10 net 30. */
export const PaymentTermsInput = z4
  .object({
    net_days: TermDays.describe("Days after the issue date the invoice is due net (30 in 2/10 net 30), 0–365."),
    discount_percent: z4
      .union([z4.string(), z4.number()])
      .refine((v) => percentToBps(v) !== null, { message: 'Use a percent above 0 and below 100 with at most 2 decimals, e.g. "2" or 1.5.' })
      .optional()
      .describe('Early-payment discount in percent, above 0 and below 100, at most 2 decimals: "2" or 1.5. Give it with `discount_days`, or neither.'),
    discount_days: TermDays.optional().describe("The discount applies to payments made on or before the issue date + this many days (the company's calendar), 0–365, at most `net_days`."),
  })
  .superRefine((t, ctx) => {
    if ((t.discount_percent === undefined) !== (t.discount_days === undefined)) {
      const missing = t.discount_percent === undefined ? "discount_percent" : "discount_days";
      ctx.addIssue({ code: "custom", path: [missing], message: "Give discount_percent and discount_days together, or neither.", input: t });
    } else if (t.discount_days !== undefined && t.discount_days > t.net_days) {
      ctx.addIssue({ code: "custom", path: ["discount_days"], message: `The discount window (${t.discount_days} days) cannot be longer than the net days (${t.net_days}).`, input: t });
    }
  })
  .describe('Payment terms: net days and an optional early-payment discount ("2/10 net 30" is net_days 30, discount_percent "2", discount_days 10).');
apiRegistry.add(PaymentTermsInput, { id: "PaymentTermsInput" });

const PaymentTermsFields = {
  net_days: z4.int().nullable(),
  discount_percent: z4.string().nullable().describe('The discount in percent as a decimal string, e.g. "2" or "1.5"; null without a discount.'),
  discount_days: z4.int().nullable(),
};

export const CustomerContactInput = z4.object({
  email: z4.email().max(254).describe("Becomes (or finds, case-insensitively) a payer user linked to the customer."),
  name: line(200, 1),
  title: line(200).nullish(),
});

export const CustomerInput = z4
  .object({
    number: line(50, 1).describe("Customer number shown to payers; unique."),
    name: line(200, 1),
    billing_email: z4.email().max(254).nullish().describe("Omit or null to clear."),
    currency: CurrencyCode,
    contacts: z4.array(CustomerContactInput).max(100).optional().describe("Contacts to add or update. Contacts not listed are left alone."),
    segment: line(60, 1).nullish().describe("The customer's collections segment (a name, matched case-insensitively; created if new). Omit to leave it unchanged; null to clear."),
    cadence: line(100, 1).nullish().describe("The name of the reminder cadence the customer follows instead of its segment's or the default one (it must exist: an unknown name is refused with 422). Omit to leave it unchanged; null to clear."),
    collector: z4.email().max(254).nullish().describe("The email of the AR staff member who collects this customer (an unknown email is refused with 422). Omit to leave it unchanged; null to clear."),
    default_payment_terms: PaymentTermsInput.nullish().describe("The terms an invoice of this customer gets when it is created without `payment_terms`. Omit to leave them unchanged; null to clear."),
  })
  .describe(`PUT /api/v1/customers/{external_id}: creates or replaces the customer. ${ExternalIdDoc}`);
apiRegistry.add(CustomerInput, { id: "CustomerInput" });

export const Customer = z4
  .object({
    id: z4.string(),
    external_id: z4.string(),
    number: z4.string(),
    name: z4.string(),
    billing_email: z4.string().nullable(),
    currency: z4.string(),
    contacts: z4.array(z4.object({ email: z4.string(), name: z4.string(), title: z4.string().nullable() })).describe("Every payer linked to the customer."),
    segment: z4.string().nullable().describe("Collections segment, if any."),
    cadence: z4.string().nullable().describe("The cadence set on the customer itself, if any (otherwise its segment's, else the default)."),
    collector: z4.string().nullable().describe("Email of the staff member who collects this customer, if any."),
    default_payment_terms: z4.object(PaymentTermsFields).nullable().describe("The customer's default payment terms, if any."),
    created_at: z4.string(),
  })
  .describe("A customer account.");
apiRegistry.add(Customer, { id: "Customer" });

export const InvoiceLineInput = z4.object({
  description: freeText(500, 1),
  sku: line(100).nullish(),
  quantity: z4
    .string()
    .regex(/^\d{1,11}(\.\d{1,3})?$/, "Use a decimal string with at most 3 decimals, e.g. \"2.5\".")
    .describe('Decimal string, up to 3 decimals, e.g. "2.5".'),
  unit_amount: MinorAmount.describe("Integer minor units; may be negative for a discount line."),
});

export const InvoiceInput = z4
  .object({
    customer_external_id: z4.string().min(1).max(100).superRefine(checked(singleLineProblem)).describe("The customer's external id (PUT /customers first). Cannot change."),
    number: line(50, 1).describe("Invoice number; unique."),
    po_number: line(100).nullish(),
    currency: CurrencyCode.describe("ISO 4217 code. Cannot change."),
    issue_date: IsoDate,
    due_date: IsoDate,
    terms: line(100, 1).describe('e.g. "Net 30".'),
    tax_label: line(100).nullish(),
    lines: z4.array(InvoiceLineInput).min(1).max(1000),
    tax_total: z4.int().min(0).max(Number.MAX_SAFE_INTEGER).describe("Integer minor units."),
    memo: z4.string().max(2000).superRefine(checked(freeTextProblem)).nullish(),
    payment_terms: PaymentTermsInput.nullish().describe(
      "Net days and early-payment discount. Omitted: a new invoice takes the customer's `default_payment_terms`, an existing one keeps its terms. null: no terms. The discount can no longer change once the invoice has payments or an open dispute.",
    ),
  })
  .describe(
    "PUT /api/v1/invoices/{external_id}: creates or replaces the invoice. Line amounts (round(quantity × unit_amount)), subtotal and total are computed by the server. Omitted optional fields are cleared (except `payment_terms`: see there).",
  );
apiRegistry.add(InvoiceInput, { id: "InvoiceInput" });

export const Invoice = z4
  .object({
    id: z4.string(),
    external_id: z4.string().nullable(),
    customer_external_id: z4.string().nullable(),
    number: z4.string(),
    po_number: z4.string().nullable(),
    currency: z4.string(),
    issue_date: z4.string(),
    due_date: z4.string(),
    terms: z4.string(),
    status: z4.enum(["open", "paid", "void"]),
    subtotal: z4.int(),
    tax_total: z4.int(),
    tax_label: z4.string().nullable(),
    total: z4.int(),
    amount_paid: z4.int(),
    amount_credited: z4.int(),
    amount_pending: z4.int().describe("Held by online payments under way."),
    amount_disputed: z4.int().describe("Held by open disputes."),
    balance: z4.int().describe("total − paid − credited; 0 once void."),
    amount_discounted: z4.int().describe("Early-payment discount taken: the part of `amount_credited` that is discount."),
    payment_terms: z4
      .object({ ...PaymentTermsFields, discount_until: z4.string().nullable().describe("Last day (YYYY-MM-DD, inclusive, the company's calendar) a payment earns the discount: issue_date + discount_days.") })
      .nullable()
      .describe("The invoice's payment terms; null when it has none (only the `terms` label)."),
    memo: z4.string().nullable(),
    lines: z4.array(z4.object({ description: z4.string(), sku: z4.string().nullable(), quantity: z4.string(), unit_amount: z4.int(), amount: z4.int() })),
    created_at: z4.string(),
    updated_at: z4.string(),
  })
  .describe("An invoice. Amounts are integer minor units.");
apiRegistry.add(Invoice, { id: "Invoice" });

export const OfflinePaymentInput = z4
  .object({
    amount: PositiveMinorAmount.describe("Integer minor units, at most balance − pending − disputed."),
    reference: line(200, 1).describe("Your payment reference; sending the same reference again for this invoice changes nothing."),
    received_on: IsoDate,
  })
  .describe("A payment received outside the portal (check, wire).");
apiRegistry.add(OfflinePaymentInput, { id: "OfflinePaymentInput" });

export const CreditMemoInput = z4
  .object({
    amount: PositiveMinorAmount.describe("Integer minor units, at most balance − pending − disputed."),
    reason: freeText(1000, 1),
    external_id: z4.string().min(1).max(100).superRefine(checked(singleLineProblem)).optional().describe("Your credit memo id; sending it again changes nothing."),
    credited_on: IsoDate.optional().describe("The credit's date (YYYY-MM-DD), default today on the portal's clock: receivables figures count it from then."),
  })
  .describe("A credit against one invoice.");
apiRegistry.add(CreditMemoInput, { id: "CreditMemoInput" });

export const CreditMemo = z4
  .object({
    id: z4.string(),
    external_id: z4.string().nullable(),
    invoice_external_id: z4.string().nullable(),
    amount: z4.int(),
    currency: z4.string(),
    reason: z4.string(),
    created_at: z4.string(),
  })
  .describe("A credit memo.");
apiRegistry.add(CreditMemo, { id: "CreditMemo" });

// ---------------------------------------------------------------------------------------------
// Account credits: money a customer has with the company that no invoice uses yet.

export const AccountCreditInput = z4
  .object({
    amount: PositiveMinorAmount,
    currency: CurrencyCode.describe("ISO 4217 code, e.g. USD: the credit applies only to the customer's invoices in this currency."),
    reason: freeText(1000, 1),
    source: z4.enum(["credit_memo", "overpayment"]).default("credit_memo").describe("credit_memo (default): a credit note not tied to one invoice; overpayment: money received beyond what was owed."),
    external_id: z4.string().min(1).max(100).superRefine(checked(singleLineProblem)).optional().describe("Your id for the credit; sending it again with the same amount changes nothing (200), with another amount is refused (409 `idempotency_conflict`)."),
  })
  .describe("A credit for a customer, applied later to its invoices by AR staff or by the payer on the pay page.");
apiRegistry.add(AccountCreditInput, { id: "AccountCreditInput" });

export const AccountCredit = z4
  .object({
    id: z4.string(),
    external_id: z4.string().nullable(),
    customer_external_id: z4.string().nullable(),
    source: z4.enum(["credit_memo", "overpayment"]),
    currency: z4.string(),
    amount: z4.int(),
    amount_applied: z4.int(),
    available: z4.int().describe("amount − amount_applied: what is left to apply."),
    reason: z4.string(),
    applications: z4
      .array(z4.object({ invoice_external_id: z4.string().nullable(), invoice_number: z4.string(), amount: z4.int(), applied_at: z4.string() }))
      .describe("The invoices it was applied to, oldest first."),
    created_at: z4.string(),
  })
  .describe("An account credit. Amounts are integer minor units.");
apiRegistry.add(AccountCredit, { id: "AccountCredit" });

export const AccountCreditList = z4.object({ data: z4.array(AccountCredit).describe("Every credit of the customer, oldest first.") }).describe("A customer's credits.");
apiRegistry.add(AccountCreditList, { id: "AccountCreditList" });

// ---------------------------------------------------------------------------------------------
// Collections: a customer's reminder calendar (the engine's decisions run ahead).

export const REMINDER_CALENDAR_MAX_DAYS = 366;
export const REMINDER_CALENDAR_DEFAULT_DAYS = 30;

export const ReminderCalendarQuery = z4.object({
  from: IsoDate.optional().describe("First day (YYYY-MM-DD), default today on the portal's clock. The calendar looks ahead: days before today have no entries (what was decided then is on the customer's timeline)."),
  to: IsoDate.optional().describe(`Last day (YYYY-MM-DD), on or after \`from\`; the period covers at most ${REMINDER_CALENDAR_MAX_DAYS} days. Default \`from\` + ${REMINDER_CALENDAR_DEFAULT_DAYS} days.`),
});

export const ReminderCalendar = z4
  .object({
    data: z4
      .array(
        z4.object({
          date: z4.string().describe("The day of the decision (YYYY-MM-DD)."),
          step: z4.int().describe("The cadence step, as days from the due date: -3 (three days before), 0, 7…"),
          channel: z4.enum(["email", "call"]).describe("email: a reminder to the customer; call: a task for its collector."),
          action: z4.enum(["send", "skip"]),
          reason: z4.string().describe('Why, in words: "sent step +7", "skipped: promise to pay until 2026-12-20", "skipped: payment processing".'),
          invoices: z4
            .array(z4.object({ external_id: z4.string().nullable(), number: z4.string(), amount_due: z4.int().describe("Minor units asked for (send) or left unasked (skip).") }))
            .describe("The invoices the decision is about."),
        }),
      )
      .describe("What the reminder engine would do for this customer each day of the period, in date order, with its reasons. Computed by the engine's own decision function from today's facts: payments, disputes, promises and holds made later change it."),
  })
  .describe("A customer's reminder calendar.");
apiRegistry.add(ReminderCalendar, { id: "ReminderCalendar" });

export const BATCH_MAX_OPERATIONS = 500;

export const BatchRequest = z4
  .object({
    operations: z4
      .array(
        z4.object({
          method: z4.string().max(10).describe("GET, PUT or POST, as the endpoint takes it. An unknown method or path answers 404 for that item only."),
          path: z4.string().max(300).describe('e.g. "/customers/ERP-1", "/invoices/INV-9/payments" (with or without the /api/v1 prefix).'),
          body: z4.unknown().optional(),
        }),
      )
      .min(1)
      .max(BATCH_MAX_OPERATIONS),
  })
  .describe(`Up to ${BATCH_MAX_OPERATIONS} operations, run in order, each on its own: one failing rolls back nothing else. Each needs its own scope.`);
apiRegistry.add(BatchRequest, { id: "BatchRequest" });

export const BatchResponse = z4
  .object({
    results: z4.array(z4.object({ status: z4.int().describe("The HTTP status the operation would have answered alone."), body: z4.unknown() })),
  })
  .describe("One result per operation, in order.");
apiRegistry.add(BatchResponse, { id: "BatchResponse" });

export type ApiErrorCodeOut = ApiErrorOut["error"]["code"];
export type CustomerInputIn = z4.output<typeof CustomerInput>;
export type CustomerOut = z4.output<typeof Customer>;
export type InvoiceInputIn = z4.output<typeof InvoiceInput>;
export type InvoiceOut = z4.output<typeof Invoice>;
export type OfflinePaymentInputIn = z4.output<typeof OfflinePaymentInput>;
export type CreditMemoInputIn = z4.output<typeof CreditMemoInput>;
export type CreditMemoOut = z4.output<typeof CreditMemo>;
export type AccountCreditOut = z4.output<typeof AccountCredit>;
export type AccountCreditListOut = z4.output<typeof AccountCreditList>;

export const RECEIVABLES_MAX_MONTHS = 36;

export const ReceivablesMetricsQuery = z4.object({
  as_of: IsoDate.optional().describe("The day the figures are at (YYYY-MM-DD), default today on the portal's clock. A past day gives the figures as they were then, from dated facts: a payment recorded later with an earlier received date counts from that date."),
  months: z4.coerce
    .number()
    .int()
    .min(1)
    .max(RECEIVABLES_MAX_MONTHS)
    .optional()
    .describe(`The period's length in months (1–${RECEIVABLES_MAX_MONTHS}), ending on \`as_of\`, default 1. Ending on a month's last day the months are calendar months.`),
  currency: CurrencyCode.describe("ISO 4217 code: figures are in one currency, never mixed."),
  customer: z4.string().min(1).max(100).optional().describe("A customer's external id: every figure narrows to that customer."),
});

const Days = z4.number().nullable();
export const ReceivablesMetrics = z4
  .object({
    as_of: z4.string(),
    months: z4.int(),
    currency: z4.string(),
    period_start: z4.string().describe("First day of the period (the last is `as_of`)."),
    period_days: z4.int().describe("Days in the period."),
    credit_sales: z4.int().describe("Invoices issued in the period, minor units (an invoice voided on or before `as_of` is not a sale)."),
    ar_total: z4.int().describe("Open receivables at the end of `as_of`, minor units."),
    ar_current: z4.int().describe("The part of `ar_total` not yet due at `as_of` (due on or after it)."),
    ar_beginning: z4.int().describe("Open receivables at the end of the day before the period."),
    dso_simple_days: Days.describe("ar_total / credit_sales × period_days, two decimals; null without sales."),
    dso_countback_days: Days.describe("Countback DSO: months' sales taken off ar_total from the latest back, their days added, the last month pro rata; two decimals."),
    best_possible_dso_days: Days.describe("ar_current / credit_sales × period_days, two decimals."),
    add_days: Days.describe("Average days delinquent: dso_simple_days − best_possible_dso_days (the simple DSO), two decimals."),
    cei_percent: Days.describe("(ar_beginning + credit_sales − ar_total) / (ar_beginning + credit_sales − ar_current) × 100 with the whole period's sales, two decimals."),
    aging: z4
      .object({ current: z4.int(), days_1_30: z4.int(), days_31_60: z4.int(), days_61_90: z4.int(), days_over_90: z4.int() })
      .describe("ar_total by days past due at `as_of`, minor units (they add up to ar_total)."),
  })
  .describe("Receivables figures (definitions: docs/analytics.md).");
apiRegistry.add(ReceivablesMetrics, { id: "ReceivablesMetrics" });
