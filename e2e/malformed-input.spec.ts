/**
 * Every form action, every /api/v1 route and every loader of the built app gets malformed input:
 * wrong content types, broken multipart, empty bodies, missing, huge, wrongly typed fields,
 * bidi/control characters, impossible dates and absurd amounts. Nothing may answer 5xx, and
 * nothing may be written: a checksum of the content of every domain table is compared before and
 * after.
 *
 * The routes come from the Remix build (`build/index.js`), not from a list kept here: a route with
 * an action (or a URL parameter) this file does not know fails the test, so a new form cannot be
 * added without being hammered too.
 */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { request as playwrightRequest, test, expect, type APIRequestContext } from "@playwright/test";
import postgres from "postgres";
import { e2e } from "./support/config";
import { data, payLinkPath } from "./support/fixtures";

const sql = postgres(e2e.databaseUrl, { max: 2, onnotice: () => {} });
test.afterAll(async () => sql.end());

// ---------------------------------------------------------------------------------------------
// The garbage.

const KB100 = "x".repeat(100 * 1024);
const BIDI = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F"];
const bidi = (s: string) => `${s.slice(0, 2)}\u202E${s.slice(2)}\u2066`;
const control = (s: string) => `${s}\u0000\u0007\u001B[31m\u007F\u0085`;

/** What a field holds; each kind has its own garbage (values the portal must refuse). */
type Kind =
  | "text" // optional free text: "" is fine, huge or control characters are not
  | "requiredText"
  | "id" // a required id of something
  | "optionalId" // an id where "" means "none" (e.g. unassign)
  | "amount" // decimal major units
  | "optionalAmount" // "" means "the whole balance"
  | "date" // YYYY-MM-DD
  | "datetime"
  | "int"
  | "email"
  | "code" // sign-in code
  | "token" // sign-in token
  | "attempt" // the idempotency key of a payment form
  | "choice" // one of a fixed set
  | "checkbox" // a tick box: absent (or "") is unticked, anything but "on" is refused
  | "url"
  | "csv";

const huge = (s: string) => s + KB100;
const GARBAGE: Record<Kind, string[]> = {
  text: [huge("Text "), bidi("Normal words"), control("Normal words"), `${BIDI.join("")}words`],
  requiredText: ["", "   ", "\u0000", huge("Text "), bidi("Normal words here"), control("Normal words here"), "\u202Emoc.elpmaxe"],
  id: ["", "does-not-exist", "x".repeat(41), huge("id_"), bidi("inv_123456"), "../../etc/passwd", "1e309", "-1", "NaN", "' or 1=1 --", "%00"],
  optionalId: ["does-not-exist", "x".repeat(41), "x".repeat(200), bidi("usr_123456"), "-1", "' or 1=1 --"],
  amount: ["", "1e309", "-1", "0.001", "NaN", "Infinity", "0x10", "1,2,3.4.5", "١٢٣", "9".repeat(400), huge("1"), bidi("10.00"), "10.00\u0000"],
  optionalAmount: ["1e309", "-1", "0.001", "NaN", "Infinity", "0x10", "١٢٣", "9".repeat(400), huge("1"), bidi("10.00")],
  date: ["", "2024-13-45", "9999-99-99", "2024-02-30", "2023-02-29", "0000-00-00", "-2024-01-01", "+275760-09-14", "2024-1-1", "tomorrow", huge("2024-01-01"), bidi("2024-01-01")],
  datetime: ["", "2024-13-45T25:61", "9999-99-99T99:99", "2024-02-30T10:00", "now", huge("2024-01-01T00:00"), bidi("2024-01-01T00:00")],
  int: ["", "1e309", "-1", "0.5", "NaN", "Infinity", "9".repeat(400), "0x10", huge("1"), bidi("3")],
  email: ["", "not-an-email", huge("a") + "@example.com", bidi("pay@customer.example"), control("pay@customer.example"), "pay@customer.example\r\nBcc: x@y.z"],
  code: ["", "0", huge("A"), bidi("ABCDEF"), "ABC\u0000EF"],
  token: ["", "x", huge("t"), bidi("abcdefghijklmnopqrstuvwxyz"), "%00"],
  attempt: ["", "short", huge("a"), bidi("abcdefghijklmnopqrstuvwxyz"), "abc def ghi jkl mno"],
  choice: ["", "does-not-exist", huge("x"), bidi("card"), "\u0000"],
  checkbox: ["does-not-exist", "yes", huge("on"), bidi("on"), "on\u0000"],
  url: ["", "not a url", "javascript:alert(1)", huge("https://example.com/"), bidi("https://example.com/hook")],
  csv: [huge("a,b,c\n"), "\u0000\u0001\u0002", bidi("external_id,number\n")],
};

// ---------------------------------------------------------------------------------------------
// The forms: per route id, who posts, how the form is encoded, and its intents and fields.

interface Intent {
  /** The intent field's value; undefined for a form without one. */
  intent?: string;
  fields: Record<string, Kind>;
  /** Valid values for the other fields, so the garbage reaches the deeper checks. */
  base?: Record<string, string>;
  /** Fields a valid request may leave out: they are not dropped from the base. */
  optional?: string[];
}
interface FormRoute {
  as: Who;
  encoding: "urlencoded" | "multipart" | "both";
  intents: Intent[];
  /** Intents that act without any field: only sent with bodies that are not forms at all. */
  fieldless?: string[];
  /** A route that acts whatever the body (sign-out): it must not fail, but need not refuse. */
  bodyIgnored?: boolean;
  /** Query string of the page the form is on (its loader needs it). */
  query?: string;
}
type Who = "anon" | "payer" | "staff" | "admin";

/** `{name}` in a field name or base value is filled from the ids found in the database. */
const FORMS: Record<string, FormRoute> = {
  "routes/login._index": { as: "anon", encoding: "urlencoded", intents: [{ fields: { email: "email", website: "text" } }] },
  "routes/login.verify": { as: "anon", encoding: "urlencoded", intents: [{ fields: { token: "token" } }] },
  "routes/login.code": { as: "anon", encoding: "urlencoded", query: "?email=pat%40northwind.example", intents: [{ fields: { email: "email", code: "code" } }] },
  // Sent without a session: signing out is meant to work whatever the body.
  "routes/logout": { as: "anon", encoding: "urlencoded", bodyIgnored: true, intents: [{ fields: { intent: "choice" } }] },
  "routes/account.switch": { as: "payer", encoding: "urlencoded", intents: [{ fields: { accountId: "id", returnTo: "text" } }] },
  "routes/_portal.pay": {
    as: "payer",
    encoding: "urlencoded",
    intents: [
      { fields: { "amount_{payInvoiceId}": "amount" }, base: { invoice: "{payInvoiceId}", attemptId: "{attemptId}" } },
      { fields: { invoice: "id", attemptId: "attempt", method: "choice", save: "choice" } },
    ],
  },
  "routes/_portal.payments.$paymentId": {
    as: "payer",
    encoding: "urlencoded",
    intents: [{ fields: { intent: "choice" } }, { intent: "verify_bank", fields: { amount_1: "amount", amount_2: "amount", descriptor_code: "text" } }],
  },
  "routes/_portal.payment-methods": {
    as: "payer",
    encoding: "urlencoded",
    intents: [
      { intent: "make_default", fields: { methodId: "id" } },
      { intent: "remove", fields: { methodId: "id" } },
    ],
  },
  "routes/_portal.plans.new": {
    as: "payer",
    encoding: "urlencoded",
    intents: [
      { intent: "preview", fields: { invoice: "id", installmentCount: "int", frequency: "choice", firstDate: "date" }, base: { invoice: "{planInvoiceId}", installmentCount: "3", frequency: "monthly" } },
      { intent: "enrol", fields: { invoice: "id", installmentCount: "int", frequency: "choice", firstDate: "date", attemptId: "attempt", agreed: "text" }, base: { invoice: "{planInvoiceId}", installmentCount: "3", frequency: "monthly" } },
    ],
  },
  "routes/_portal.plans.$planId": {
    as: "payer",
    encoding: "urlencoded",
    intents: [
      { intent: "pay_next", fields: { attemptId: "attempt" } },
      { intent: "pay_rest", fields: { attemptId: "attempt" } },
      { intent: "verify_bank", fields: { amount_1: "amount", amount_2: "amount", descriptor_code: "text" } },
    ],
    fieldless: ["authorize", "cancel"],
  },
  "routes/_portal.invoices.$invoiceId_.dispute": {
    as: "payer",
    encoding: "multipart",
    intents: [
      {
        fields: { reason: "choice", description: "requiredText", amount: "optionalAmount", line_0: "id" },
        base: { reason: "damaged_goods", description: "The pallet arrived crushed and wet." },
        optional: ["amount", "line_0"],
      },
    ],
  },
  "routes/_portal.disputes.$disputeId": { as: "payer", encoding: "multipart", intents: [{ intent: "reply", fields: { body: "requiredText" } }], fieldless: ["withdraw"] },
  "routes/admin.disputes.$disputeId": {
    as: "staff",
    encoding: "both",
    intents: [
      { intent: "reply", fields: { body: "requiredText" } },
      { intent: "internal_note", fields: { body: "requiredText" } },
      { intent: "info_request", fields: { body: "requiredText" } },
      { intent: "assign", fields: { assignee: "optionalId" } },
      { intent: "move", fields: { to: "choice" } },
      { intent: "credit", fields: { creditAmount: "amount", creditNote: "requiredText" }, base: { creditAmount: "1.00", creditNote: "Credit for the crushed pallet." } },
      { intent: "reject", fields: { rejectNote: "requiredText" } },
    ],
    fieldless: ["claim"],
  },
  "routes/admin.customers.$accountId": {
    as: "staff",
    encoding: "urlencoded",
    intents: [
      // Every field may be left out: saving the profile as it already is writes nothing.
      { intent: "profile", fields: { segment: "text", cadenceId: "optionalId", collectorId: "optionalId", onHold: "choice", holdReason: "text" }, optional: ["segment", "cadenceId", "collectorId", "onHold", "holdReason"] },
      { intent: "promise", fields: { invoice: "id", amount: "optionalAmount", promisedFor: "date", note: "text" }, base: { invoice: "{payInvoiceId}", promisedFor: "{promiseDate}" }, optional: ["amount", "note"] },
      { intent: "note", fields: { body: "requiredText" } },
      { intent: "complete_task", fields: { taskId: "id", outcome: "choice", taskNote: "text" }, base: { taskId: "{taskId}", outcome: "reached" }, optional: ["taskNote"] },
      { intent: "follow_up", fields: { dueOn: "date", title: "text", assigneeId: "optionalId" }, base: { dueOn: "{promiseDate}" }, optional: ["title", "assigneeId"] },
      // On the default policy the policy fields may be empty (saving it as it is writes nothing), but what is typed must read.
      {
        intent: "late_fees",
        fields: { lateFeesAllowed: "choice", feePolicy: "choice", feeKind: "choice", feeRate: "amount", feeFixedAmount: "optionalAmount", feeGraceDays: "int", feeCapPerInvoice: "optionalAmount", feeCapPerAccount: "optionalAmount" },
        base: { feePolicy: "default" },
        optional: ["lateFeesAllowed", "feeKind", "feeRate", "feeFixedAmount", "feeGraceDays", "feeCapPerInvoice", "feeCapPerAccount"],
      },
    ],
  },
  // Autopay: turn on or change (with the authorization box), pause, resume, cancel.
  "routes/_portal.autopay": {
    as: "payer",
    encoding: "urlencoded",
    intents: [
      {
        intent: "enrol",
        fields: { savedMethodId: "id", maxCharge: "amount", timing: "choice", daysBefore: "int", agree: "choice" },
        base: { timing: "days_before", daysBefore: "3", agree: "on", maxCharge: "100.00" },
        optional: ["daysBefore"],
      },
    ],
    fieldless: ["pause", "resume", "cancel"],
  },
  "routes/_portal.promises.new": {
    as: "payer",
    encoding: "urlencoded",
    intents: [{ fields: { invoice: "id", amount: "optionalAmount", promisedFor: "date", note: "text" }, base: { invoice: "{payInvoiceId}", promisedFor: "{promiseDate}" }, optional: ["amount", "note"] }],
  },
  "routes/admin.payments.$paymentId": {
    as: "staff",
    encoding: "urlencoded",
    intents: [{ fields: { "refund_{refundInvoiceId}": "amount", reason: "text" }, base: { "refund_{refundInvoiceId}": "0.01", reason: "Goodwill refund" }, optional: ["reason"] }],
  },
  "routes/admin.plans.$planId": {
    as: "staff",
    encoding: "urlencoded",
    intents: [
      { intent: "decline", fields: { reason: "requiredText" } },
      { intent: "cancel", fields: { reason: "text" }, optional: ["reason"] },
      { intent: "retry", fields: { installmentId: "id" } },
    ],
    fieldless: ["approve", "pause", "resume"],
  },
  "routes/admin.plans.settings": {
    as: "admin",
    encoding: "urlencoded",
    intents: [
      {
        fields: {
          minTotal: "amount",
          maxInstallments: "int",
          frequencies: "choice",
          downPaymentPercent: "int",
          maxTermDays: "int",
          firstInstallmentWithinDays: "int",
          approvalThreshold: "optionalAmount",
        },
        base: {
          enabled: "on",
          minTotal: "{rules.minTotal}",
          maxInstallments: "{rules.maxInstallments}",
          frequencies: "monthly",
          downPaymentPercent: "{rules.downPaymentPercent}",
          maxTermDays: "{rules.maxTermDays}",
          firstInstallmentWithinDays: "{rules.firstInstallmentWithinDays}",
          approvalThreshold: "{rules.approvalThreshold}",
        },
        optional: ["approvalThreshold"],
      },
    ],
  },
  "routes/admin.collections.cadences._index": {
    as: "admin",
    encoding: "urlencoded",
    intents: [{ intent: "create", fields: { name: "requiredText", description: "text", copyFrom: "optionalId" }, base: { name: "Malformed probe cadence" }, optional: ["description", "copyFrom"] }],
  },
  // The default cadence: making it the default again changes nothing, and it cannot be deleted.
  "routes/admin.collections.cadences.$cadenceId": {
    as: "admin",
    encoding: "urlencoded",
    intents: [
      { intent: "save", fields: { name: "requiredText", description: "text" }, base: { name: "{cadence.name}", description: "{cadence.description}" }, optional: ["description"] },
      // No valid base: an offset like -1 is a valid day, so each field's garbage is sent without the others.
      { intent: "save_step", fields: { stepId: "optionalId", offsetDays: "int", channel: "choice", subject: "requiredText", body: "text" } },
      { intent: "delete_step", fields: { stepId: "id" } },
      // Writes nothing even when valid (a draft's preview); refused here for want of the other fields.
      { intent: "preview_step", fields: { offsetDays: "int", channel: "choice", subject: "requiredText", body: "text", previewAccount: "id" } },
    ],
    fieldless: ["make_default", "delete"],
  },
  "routes/admin.collections.segments": {
    as: "admin",
    encoding: "urlencoded",
    intents: [
      { intent: "create", fields: { name: "requiredText", cadenceId: "optionalId" }, base: { name: "Malformed probe segment" }, optional: ["cadenceId"] },
      { intent: "update", fields: { segment: "id", name: "requiredText", cadenceId: "optionalId" } },
      { intent: "delete", fields: { segment: "id" } },
    ],
  },
  "routes/admin.collections.settings": {
    as: "admin",
    encoding: "urlencoded",
    intents: [
      {
        fields: { promiseMaxDays: "int", promiseGraceDays: "int", payLinkDays: "int" },
        base: { promiseMaxDays: "{collectionRules.promiseMaxDays}", promiseGraceDays: "{collectionRules.promiseGraceDays}", payLinkDays: "{collectionRules.payLinkDays}" },
      },
    ],
  },
  // The default late-fee policy as it is (the fixture makes one, turned off, when there is none): garbage in any field is refused.
  "routes/admin.collections.late-fees": {
    as: "admin",
    encoding: "urlencoded",
    intents: [
      {
        fields: { kind: "choice", rate: "amount", fixedAmount: "optionalAmount", graceDays: "int", capPerInvoice: "optionalAmount", capPerAccount: "optionalAmount" },
        base: {
          "{lateFeePolicy.enabledField}": "{lateFeePolicy.enabled}",
          kind: "{lateFeePolicy.kind}",
          rate: "{lateFeePolicy.rate}",
          fixedAmount: "{lateFeePolicy.fixedAmount}",
          graceDays: "{lateFeePolicy.graceDays}",
          capPerInvoice: "{lateFeePolicy.capPerInvoice}",
          capPerAccount: "{lateFeePolicy.capPerAccount}",
        },
        optional: ["fixedAmount", "capPerInvoice", "capPerAccount"],
      },
    ],
  },
  // The URL rules of webhook endpoints belong to another change: no valid base URL here, so the
  // garbage in each field is refused whatever the URL rules become.
  "routes/admin.webhooks._index": { as: "staff", encoding: "urlencoded", intents: [{ fields: { url: "url", description: "text", eventTypes: "choice" } }] },
  "routes/admin.webhooks.$endpointId": {
    as: "staff",
    encoding: "urlencoded",
    intents: [
      { intent: "update", fields: { url: "url", description: "text", eventTypes: "choice" } },
      { intent: "replay", fields: { deliveryId: "id" } },
      { intent: "replay_since", fields: { since: "datetime" } },
    ],
    fieldless: ["enable", "disable", "rotate", "test", "delete"],
  },
  "routes/admin.api-keys": {
    as: "staff",
    encoding: "urlencoded",
    intents: [
      { intent: "create", fields: { name: "requiredText", scopes: "choice" }, base: { name: "Malformed input probe", scopes: "events:read" } },
      { intent: "revoke", fields: { keyId: "id" } },
    ],
  },
  "routes/admin.import": {
    as: "staff",
    encoding: "multipart",
    intents: [
      { intent: "preview", fields: { kind: "choice", csv: "csv" } },
      { intent: "import", fields: { kind: "choice", csv: "csv" }, base: { kind: "customers" } },
    ],
  },
  "routes/admin.customers.$accountId_.contacts": {
    as: "staff",
    encoding: "urlencoded",
    intents: [{ fields: { userId: "id", reminders: "choice" } }, { intent: "role", fields: { userId: "id", role: "choice" } }],
  },
  "routes/_portal.settings.notifications": {
    as: "payer",
    encoding: "urlencoded",
    intents: [{ intent: "save", fields: { invoices: "checkbox", reminders: "checkbox", receipts: "checkbox", disputes: "checkbox", plans_autopay: "checkbox" }, optional: ["invoices", "reminders", "receipts", "disputes", "plans_autopay"] }],
  },
  "routes/admin.customers.$accountId_.credits": {
    as: "staff",
    encoding: "urlencoded",
    intents: [{ intent: "apply_credit", fields: { creditId: "id", invoiceId: "id", amount: "amount" }, base: { creditId: "{creditId}", invoiceId: "{payInvoiceId}", amount: "1.00" } }],
  },
  "routes/dev.clock": {
    as: "anon",
    encoding: "urlencoded",
    intents: [
      { intent: "advance", fields: { days: "int" } },
      { intent: "set", fields: { date: "date" } },
    ],
    fieldless: ["run", "reminders", "late_fees", "autopay", "expiring_cards", "reset"],
  },
  // The public pay-link page (no session): pay the ticked invoices, promise to pay, cancel a payment left open.
  "routes/pay-link.$token": {
    as: "anon",
    encoding: "urlencoded",
    intents: [
      { intent: "pay", fields: { invoice: "id", attemptId: "attempt" }, base: { invoice: "{payLinkInvoiceId}", attemptId: "{attemptId}" } },
      { intent: "promise", fields: { amount: "amount", promisedFor: "date" }, base: { amount: "1.00", promisedFor: "{promiseDate}" } },
      { intent: "cancel_payment", fields: { paymentId: "id" } },
    ],
  },
  "routes/admin.pay-links.$payLinkId.revoke": { as: "staff", encoding: "urlencoded", intents: [{ fields: { intent: "choice" } }] },
  // Answers 404 in production (development only), whatever the body.
  "routes/dev.webhook-receiver": { as: "anon", encoding: "urlencoded", intents: [{ fields: { anything: "text" } }] },
};

/** CSV rows that look right but carry bidi/control characters in identifiers and names. */
const CSV_IMPORTS: Record<"customers" | "invoices", string[]> = {
  customers: [
    `external_id,number,name,billing_email,currency,contact_email,contact_name\nERP-\u202Eevil,C-9001,Evil Corp,,USD,,\n`,
    `external_id,number,name,billing_email,currency,contact_email,contact_name\nERP-probe-1,C-9\u20662,Probe Corp,,USD,,\n`,
    `external_id,number,name,billing_email,currency,contact_email,contact_name\nERP-probe-2,C-9003,Probe\u0007 Corp,,USD,,\n`,
  ],
  invoices: [
    `external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount\nINV-probe-1,{customerExternalId},INV-\u202E9001,,USD,2024-13-45,2024-02-30,Net 30,0,,Widget,,1,10.00\n`,
    `external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount\nINV-probe-2,{customerExternalId},INV-\u202E9002,,USD,2024-01-01,2024-01-31,Net 30,0,,Widget,,1,10.00\n`,
    `external_id,customer_external_id,number,po_number,currency,issue_date,due_date,terms,tax_total,memo,line_description,line_sku,line_quantity,line_unit_amount\nINV-probe-3,{customerExternalId},INV-9003,,USD,2024-01-01,2024-01-31,Net 30,1e309,,Widget,,1,1e309\n`,
  ],
};

// ---------------------------------------------------------------------------------------------
// The API: per route id, the method and the JSON fields of its body.

type JsonKind = "string" | "id" | "amount" | "positiveAmount" | "date" | "currency" | "email" | "lines" | "contacts" | "operations";
interface ApiRoute {
  method: "PUT" | "POST";
  fields: Record<string, JsonKind>;
  /** A valid body, so each garbage field is checked on its own. */
  base?: Record<string, unknown>;
  /** Fields a valid body may leave out: not dropped from the base. */
  optional?: string[];
}
const API: Record<string, ApiRoute> = {
  "routes/api.v1.customers.$externalId": {
    method: "PUT",
    fields: { number: "id", name: "string", billing_email: "email", currency: "currency", contacts: "contacts" },
    base: { number: "{customer.number}", name: "{customer.name}", currency: "{customer.currency}" },
    optional: ["billing_email", "contacts"],
  },
  "routes/api.v1.invoices.$externalId": {
    method: "PUT",
    fields: { customer_external_id: "id", number: "id", po_number: "string", currency: "currency", issue_date: "date", due_date: "date", terms: "string", tax_label: "string", lines: "lines", tax_total: "amount", memo: "string" },
    base: {
      customer_external_id: "{invoice.customerExternalId}",
      number: "{invoice.number}",
      currency: "{invoice.currency}",
      issue_date: "{invoice.issueDate}",
      due_date: "{invoice.dueDate}",
      terms: "Net 30",
      lines: [{ description: "Widgets", quantity: "1", unit_amount: 100 }],
      tax_total: 0,
    },
    optional: ["po_number", "tax_label", "memo"],
  },
  "routes/api.v1.invoices.$externalId_.payments": {
    method: "POST",
    fields: { amount: "positiveAmount", reference: "id", received_on: "date" },
    base: { amount: 1, reference: "CHK-probe-1", received_on: "2024-01-15" },
  },
  "routes/api.v1.invoices.$externalId_.credit-memos": {
    method: "POST",
    fields: { amount: "positiveAmount", reason: "string", external_id: "id" },
    base: { amount: 1, reason: "Probe credit", external_id: "CM-probe-1" },
    optional: ["external_id"],
  },
  "routes/api.v1.customers.$externalId_.credits": {
    method: "POST",
    fields: { amount: "positiveAmount", currency: "currency", reason: "string", source: "string", external_id: "id" },
    base: { amount: 1, currency: "{customer.currency}", reason: "Probe credit", external_id: "CR-probe-1" },
    optional: ["source", "external_id"],
  },
  // The invoice chosen cannot be voided (it is disputed): any body is refused.
  "routes/api.v1.invoices.$externalId_.void": { method: "POST", fields: { reason: "string" } },
  "routes/api.v1.batch": { method: "POST", fields: { operations: "operations" } },
};

/**
 * API routes whose action only refuses: a method the endpoint does not take (JSON 405 with Allow)
 * or a path that names no endpoint (the catch-all's JSON 404). Any method and body must be a 4xx.
 */
const REFUSING_ACTIONS = new Set(["routes/api.v1.events._index", "routes/api.v1.events.$eventId", "routes/api.v1.openapi[.]json", "routes/api.v1.$", "routes/api.v1.customers.$externalId_.reminders", "routes/api.v1.metrics.receivables"]);

const JSON_GARBAGE: Record<JsonKind, unknown[]> = {
  string: [huge("Text "), bidi("Normal words"), control("Normal words"), 12, true, { a: 1 }, ["a"]],
  id: ["", huge("id-"), bidi("INV-1001"), control("INV-1001"), "INV\u200E-1", 1e308, -1, null, ["x"], { $ne: 1 }],
  amount: [1e308, -1, 0.001, "10.00", "NaN", null, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, [1], { value: 1 }],
  positiveAmount: [0, 1e308, -1, 0.001, "10.00", "NaN", null, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, [1], { value: 1 }],
  date: ["2024-13-45", "9999-99-99", "2024-02-30", "2023-02-29", "0000-00-00", "+275760-09-14", "2024-1-1", "", 20240101, null, bidi("2024-01-01")],
  currency: ["usd", "US", "USDD", "", bidi("USD"), 840, null],
  email: ["not-an-email", huge("a") + "@example.com", bidi("pay@customer.example"), "pay@customer.example\r\nBcc: x@y.z", 1],
  lines: [[], "lines", [{}], [{ description: bidi("Widgets"), quantity: "1", unit_amount: 100 }], [{ description: "Widgets", quantity: "1e309", unit_amount: 100 }], [{ description: "Widgets", quantity: "1", unit_amount: 1e308 }], [{ description: "Widgets", quantity: "-1", unit_amount: 100 }], [{ description: "Widgets", quantity: "1", unit_amount: 0.5 }], Array.from({ length: 1001 }, () => ({ description: "W", quantity: "1", unit_amount: 1 }))],
  contacts: ["x", [{}], [{ email: "not-an-email", name: "A" }], [{ email: "probe@example.com", name: bidi("Probe Person") }], [{ email: "probe@example.com", name: control("Probe") }]],
  operations: [
    [],
    "ops",
    [{}],
    [{ method: "PUT", path: "/customers/\u202Eevil", body: { number: "C-1", name: "X", currency: "USD" } }],
    [{ method: "PUT", path: "/customers/{customer.externalId}", body: { number: bidi("C-1"), name: "X", currency: "USD" } }],
    [{ method: "POST", path: "/invoices/{invoice.externalId}/payments", body: { amount: 1e308, reference: "R", received_on: "2024-13-45" } }],
    [{ method: "POST", path: "/invoices/{invoice.externalId}/credit-memos", body: { amount: -1, reason: bidi("because") } }],
    [{ method: "PUT", path: "/invoices/x", body: null }, { method: "PUT", path: "/invoices/y", body: { lines: "nope" } }],
    Array.from({ length: 501 }, () => ({ method: "GET", path: "/invoices/x" })),
  ],
};

// ---------------------------------------------------------------------------------------------
// Ids from the database, and sessions for the people who own them.

interface Fixture {
  ids: Record<string, string>;
  params: Record<string, Record<string, string>>;
  cookies: Record<Exclude<Who, "anon">, string> & Record<string, string>;
  apiKey: string;
}

async function one<T extends Record<string, unknown>>(query: Promise<T[]>, what: string): Promise<T> {
  const [row] = await query;
  if (!row) throw new Error(`malformed-input: no ${what} in the database`);
  return row;
}

async function sessionCookie(userId: string, accountId: string | null): Promise<string> {
  const raw = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(raw).digest("hex");
  await sql`insert into sessions (id_hash, user_id, active_account_id, expires_at) values (${hash}, ${userId}, ${accountId}, now() + interval '8 hours')`;
  return `portal_session=${Buffer.from(JSON.stringify(raw)).toString("base64")}`;
}

async function payerOf(accountId: string): Promise<string> {
  const row = await one(sql<{ userId: string }[]>`select c.user_id as "userId" from account_contacts c join users u on u.id = c.user_id where c.account_id = ${accountId} and u.role = 'payer' order by u.email limit 1`, `payer of ${accountId}`);
  return row.userId;
}

async function loadFixture(): Promise<Fixture> {
  // This spec's own people, customer, invoices and dispute (payments, plans, endpoints, files and
  // events are whatever the database holds: each is optional below).
  const staff = await data.staff();
  const admin = await data.staff("ar_admin");
  const account = await data.account();
  const { user } = await data.payer({ accounts: [account] });
  const [open, disputed, viaApi] = await data.invoices(account, [{ total: 500_00 }, { total: 300_00 }, { total: 700_00 }]);
  const opened = await data.dispute(disputed!, { by: user });
  // An open call task of the customer: its complete form gets garbage beside a real task id.
  const task = await data.collectionTask(account);
  // A credit of the customer: the Apply to invoice form gets garbage beside a real credit id.
  const credit = await data.credit(account, { amount: 5_00 });
  const dispute = { id: opened.id, accountId: account.id, invoiceId: disputed!.id };
  // An open invoice of a payer, with a balance, not held by a plan or a dispute: its dispute form works.
  const invoice = { id: open!.id, accountId: account.id };
  // Prefer a payment that can still be cancelled, so a body that cancels it would be seen.
  // Of an account with a payer contact (a pay link's payment may be of an account with none).
  const payment = (
    await sql<{ id: string; accountId: string }[]>`select id, account_id as "accountId" from payments p
      where exists (select 1 from account_contacts c join users u on u.id = c.user_id where c.account_id = p.account_id and u.role = 'payer')
      order by (status = 'pending') desc, created_at desc limit 1`
  )[0];
  const refundable = (await sql<{ id: string; invoiceId: string }[]>`select p.id, a.invoice_id as "invoiceId" from payments p join payment_allocations a on a.payment_id = p.id where p.status = 'succeeded' order by p.created_at desc limit 1`)[0];
  const plan = (await sql<{ id: string; accountId: string }[]>`select id, account_id as "accountId" from payment_plans order by (status in ('active', 'authorizing', 'awaiting_approval')) desc, created_at desc limit 1`)[0];
  const endpoint = (await sql<{ id: string }[]>`select id from webhook_endpoints order by created_at limit 1`)[0];
  const attachment = (await sql<{ id: string }[]>`select id from attachments order by created_at limit 1`)[0];
  const event = (await sql<{ id: string }[]>`select id from events order by created_at limit 1`)[0];
  // A live pay link of this spec's account (its page and forms are public).
  const payLink = await data.payLink(account, [open!]);
  const customer = { id: account.id, externalId: account.externalId!, number: account.number, name: account.name, currency: account.currency };
  const apiInvoice = {
    id: viaApi!.id,
    externalId: viaApi!.externalId!,
    customerExternalId: account.externalId!,
    number: viaApi!.number,
    currency: viaApi!.currency,
    issueDate: String(viaApi!.issueDate),
    dueDate: String(viaApi!.dueDate),
  };
  // Voiding needs no body: an invoice that cannot be voided (disputed).
  const disputedExternal = { externalId: disputed!.externalId! };
  const [rules] = await sql<{ rules: Record<string, number | null> }[]>`select rules from plan_policies where id = 'default'`;
  const [cadence] = await sql<{ id: string; name: string; description: string | null }[]>`select id, name, description from cadences where is_default`;
  const [collectionPolicy] = await sql<{ rules: Record<string, number> }[]>`select rules from collection_policies where id = 'default'`;
  const money = (minor: number | null | undefined) => (minor === null || minor === undefined ? "" : (minor / 100).toFixed(2));

  // Every payer page runs as the payer who owns the row, with that account active.
  const payerSessions = new Map<string, string>();
  const payerCookie = async (accountId: string) => {
    if (!payerSessions.has(accountId)) payerSessions.set(accountId, await sessionCookie(await payerOf(accountId), accountId));
    return payerSessions.get(accountId)!;
  };
  const key = `eipp_${randomBytes(30).toString("base64url").slice(0, 40)}`;
  await sql`insert into api_keys (id, name, prefix, key_hash, scopes) values (${`key_probe_${randomBytes(8).toString("hex")}`}, 'malformed-input probe', ${key.slice(0, 12)}, ${createHash("sha256").update(key).digest("hex")}, ${["customers:write", "customers:read", "invoices:write", "invoices:read", "events:read", "metrics:read"]})`;

  const missing = "does-not-exist";
  const cookies: Fixture["cookies"] = {
    payer: await payerCookie(invoice.accountId),
    staff: await sessionCookie(staff.id, null),
    admin: await sessionCookie(admin.id, null),
    [`payer:${dispute.accountId}`]: await payerCookie(dispute.accountId),
    ...(payment ? { [`payer:${payment.accountId}`]: await payerCookie(payment.accountId) } : {}),
    ...(plan ? { [`payer:${plan.accountId}`]: await payerCookie(plan.accountId) } : {}),
    [`payer:${invoice.accountId}`]: await payerCookie(invoice.accountId),
  };
  const ids: Record<string, string> = {
    payInvoiceId: invoice.id,
    payLinkInvoiceId: open!.id,
    promiseDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    planInvoiceId: invoice.id,
    attemptId: randomBytes(16).toString("hex"),
    taskId: task.id,
    creditId: credit.id,
    refundInvoiceId: refundable?.invoiceId ?? invoice.id,
    customerExternalId: customer.externalId,
    "customer.externalId": customer.externalId,
    "customer.number": customer.number,
    "customer.name": customer.name,
    "customer.currency": customer.currency,
    "invoice.externalId": apiInvoice.externalId,
    "invoice.customerExternalId": apiInvoice.customerExternalId,
    "invoice.number": apiInvoice.number,
    "invoice.currency": apiInvoice.currency,
    "invoice.issueDate": apiInvoice.issueDate,
    "invoice.dueDate": apiInvoice.dueDate,
  };
  ids["cadence.name"] = cadence!.name;
  ids["cadence.description"] = cadence!.description ?? "";
  for (const [name, value] of Object.entries({ promiseMaxDays: 30, promiseGraceDays: 2, payLinkDays: 30, ...(collectionPolicy?.rules ?? {}) })) ids[`collectionRules.${name}`] = String(value);
  // The default late-fee policy's form as it is: made (turned off) when there is none, so a valid post changes nothing.
  await sql`insert into late_fee_policies (id, account_id, enabled, kind, rate_bps, grace_days) select 'lfp_probe_default', null, false, 'percent', 150, 15 where not exists (select 1 from late_fee_policies where account_id is null)`;
  const [feePolicy] = await sql<{ enabled: boolean; kind: string; rate_bps: number | null; fixed_amount: string | null; grace_days: number; cap_per_invoice: string | null; cap_per_account: string | null }[]>`select enabled, kind, rate_bps, fixed_amount, grace_days, cap_per_invoice, cap_per_account from late_fee_policies where account_id is null`;
  // An unticked box is not sent: the base sends a field the form ignores instead.
  ids["lateFeePolicy.enabledField"] = feePolicy!.enabled ? "enabled" : "probe_unticked";
  ids["lateFeePolicy.enabled"] = "on";
  ids["lateFeePolicy.kind"] = feePolicy!.kind;
  ids["lateFeePolicy.rate"] = feePolicy!.rate_bps === null ? "" : String(feePolicy!.rate_bps / 100);
  ids["lateFeePolicy.fixedAmount"] = money(feePolicy!.fixed_amount === null ? null : Number(feePolicy!.fixed_amount));
  ids["lateFeePolicy.graceDays"] = String(feePolicy!.grace_days);
  ids["lateFeePolicy.capPerInvoice"] = money(feePolicy!.cap_per_invoice === null ? null : Number(feePolicy!.cap_per_invoice));
  ids["lateFeePolicy.capPerAccount"] = money(feePolicy!.cap_per_account === null ? null : Number(feePolicy!.cap_per_account));
  for (const [name, value] of Object.entries(rules?.rules ?? {})) {
    ids[`rules.${name}`] = name === "minTotal" || name === "approvalThreshold" ? money(value) : String(value ?? "");
  }
  if (!payment) console.warn("malformed-input: no payment in the database; /payments/:paymentId is probed with an unknown id");
  if (!plan) console.warn("malformed-input: no payment plan in the database; /plans/:planId is probed with an unknown id");
  if (!refundable) console.warn("malformed-input: no succeeded payment; /admin/payments/:paymentId is probed with an unknown id");
  if (!endpoint) console.warn("malformed-input: no webhook endpoint; /admin/webhooks/:endpointId is probed with an unknown id");

  // Per route id: its URL parameters and who opens it (a payer session key of the owning account).
  const params: Fixture["params"] = {
    "routes/_portal.invoices.$invoiceId": { invoiceId: invoice.id, as: `payer:${invoice.accountId}` },
    "routes/_portal.invoices.$invoiceId_.dispute": { invoiceId: invoice.id, as: `payer:${invoice.accountId}` },
    "routes/invoices.$invoiceId.pdf": { invoiceId: invoice.id, as: `payer:${invoice.accountId}` },
    "routes/_portal.disputes.$disputeId": { disputeId: dispute.id, as: `payer:${dispute.accountId}` },
    "routes/_portal.payments.$paymentId": { paymentId: payment?.id ?? missing, as: payment ? `payer:${payment.accountId}` : "payer" },
    "routes/payments.$paymentId.receipt": { paymentId: payment?.id ?? missing, as: payment ? `payer:${payment.accountId}` : "payer" },
    "routes/_portal.plans.$planId": { planId: plan?.id ?? missing, as: plan ? `payer:${plan.accountId}` : "payer" },
    "routes/attachments.$attachmentId": { attachmentId: attachment?.id ?? missing, as: `payer:${dispute.accountId}` },
    "routes/admin.disputes.$disputeId": { disputeId: dispute.id },
    "routes/admin.payments.$paymentId": { paymentId: refundable?.id ?? missing },
    "routes/admin.plans.$planId": { planId: plan?.id ?? missing },
    "routes/admin.webhooks.$endpointId": { endpointId: endpoint?.id ?? missing },
    "routes/admin.customers.$accountId": { accountId: customer.id },
    "routes/pay-link.$token": { token: payLinkPath(payLink.id).slice("/pay-link/".length) },
    "routes/admin.pay-links.$payLinkId.revoke": { payLinkId: payLink.id },
    "routes/admin.customers.$accountId_.contacts": { accountId: customer.id },
    "routes/admin.customers.$accountId_.credits": { accountId: customer.id },
    "routes/admin.customers.$accountId_.reminders": { accountId: customer.id },
    "routes/admin.invoices.$invoiceId": { invoiceId: invoice.id },
    "routes/admin.attachments.$attachmentId": { attachmentId: attachment?.id ?? missing },
    "routes/api.v1.customers.$externalId": { externalId: customer.externalId },
    "routes/api.v1.customers.$externalId_.reminders": { externalId: customer.externalId },
    "routes/api.v1.customers.$externalId_.credits": { externalId: customer.externalId },
    "routes/admin.collections.cadences.$cadenceId": { cadenceId: cadence!.id },
    "routes/api.v1.invoices.$externalId": { externalId: apiInvoice.externalId },
    "routes/api.v1.invoices.$externalId_.payments": { externalId: apiInvoice.externalId },
    "routes/api.v1.invoices.$externalId_.credit-memos": { externalId: apiInvoice.externalId },
    "routes/api.v1.invoices.$externalId_.void": { externalId: disputedExternal.externalId },
    "routes/api.v1.events.$eventId": { eventId: event?.id ?? missing },
    // Development only: answers 404 in production, whatever the name.
    "routes/dev.emails.$name": { name: "payment-receipt" },
  };
  return { ids, params, cookies, apiKey: key };
}

// ---------------------------------------------------------------------------------------------
// What "nothing written" means: a checksum of the content of every table in the public schema.

/**
 * Left out, each for a reason:
 * - rate_limits: counting refused attempts is exactly what it is for;
 * - sessions.last_seen_at / expires_at: every signed-in request slides them (idle timeout);
 * - api_keys.last_used_at: every authenticated API request stamps it;
 * - audit_log rows "auth.sign_in_failed": refused sign-ins are recorded on purpose;
 * - pay_links.open_count / last_opened_at and audit rows "pay_link.opened": opening a pay link is recorded on purpose;
 * - webhook_deliveries' attempt columns: the background deliverer retries deliveries of earlier
 *   specs on its own schedule (the rows themselves, one per event and endpoint, are compared);
 * - graphile_worker's schema (jobs) is not in `public` and is not compared: the cron jobs run on
 *   their own clock. Everything the jobs would act on is in the compared tables.
 */
const PARTIAL: Record<string, string> = {
  sessions: `select to_jsonb(t) - 'last_seen_at' - 'expires_at' from sessions t`,
  api_keys: `select to_jsonb(t) - 'last_used_at' from api_keys t`,
  audit_log: `select * from audit_log where action not in ('auth.sign_in_failed', 'pay_link.opened')`,
  pay_links: `select to_jsonb(t) - 'open_count' - 'last_opened_at' from pay_links t`,
  webhook_deliveries: `select id, endpoint_id, event_id, created_at from webhook_deliveries`,
  // The fold job flags rows as added to the rollup: bookkeeping, not content.
  receivable_entries: `select to_jsonb(t) - 'folded' from receivable_entries t`,
};
// The rollup and the accounts' totals are the ledger's rows summed (the fold job moves them in whenever it runs); the
// ledger itself is compared above.
const SKIPPED = new Set(["rate_limits", "__drizzle_migrations", "receivable_rollup", "receivable_accounts"]);

async function snapshot(): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`;
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    if (SKIPPED.has(name)) continue;
    const source = PARTIAL[name] ?? `select * from "${name}"`;
    const [row] = await sql.unsafe<{ n: string; sum: string | null }[]>(`select count(*)::text as n, md5(string_agg(md5(t::text), '' order by md5(t::text))) as sum from (${source}) t`);
    result[name] = `${row!.n}:${row!.sum ?? "-"}`;
  }
  return result;
}

/** Waits until two snapshots a second apart agree: late Stripe webhooks of earlier specs have landed. */
async function quietSnapshot(): Promise<Record<string, string>> {
  let previous = await snapshot();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = await snapshot();
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
  return previous;
}

// ---------------------------------------------------------------------------------------------
// Requests.

interface Probe {
  route: string;
  what: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** Every status below 500 passes; some probes must be refused outright. */
  expect4xx?: boolean;
}

const fill = (template: string, ids: Record<string, string>) => template.replace(/\{([\w.]+)\}/g, (_, name: string) => ids[name] ?? `{${name}}`);

function urlencoded(entries: Array<[string, string]>): string {
  return new URLSearchParams(entries).toString();
}

function multipart(entries: Array<[string, string | { filename: string; type: string; data: Buffer }]>, boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of entries) {
    if (typeof value === "string") {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.from(value), Buffer.from("\r\n"));
    } else {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.type}\r\n\r\n`), value.data, Buffer.from("\r\n"));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

/** Bodies that are not a readable form, whatever the route expects. */
function notForms(entries: Array<[string, string]>): Array<{ what: string; type?: string; body: Buffer | string }> {
  const boundary = "----probe" + randomBytes(6).toString("hex");
  const asJson = JSON.stringify(Object.fromEntries(entries));
  return [
    { what: "application/json", type: "application/json", body: asJson },
    { what: "text/plain", type: "text/plain", body: urlencoded(entries) },
    { what: "multipart without boundary", type: "multipart/form-data", body: multipart(entries, boundary) },
    { what: "multipart with a wrong boundary", type: `multipart/form-data; boundary=${boundary}x`, body: multipart(entries, boundary) },
    { what: "truncated multipart", type: `multipart/form-data; boundary=${boundary}`, body: multipart(entries, boundary).subarray(0, 30) },
    { what: "no content type", body: urlencoded(entries) },
    { what: "empty body, no content type", body: "" },
    { what: "application/xml", type: "application/xml", body: "<intent>x</intent>" },
  ];
}

function formProbes(routeId: string, url: string, spec: FormRoute, fx: Fixture, cookie: string | undefined): Probe[] {
  const probes: Probe[] = [];
  const headers = (type?: string): Record<string, string> => ({ Origin: e2e.appUrl, ...(cookie ? { Cookie: cookie } : {}), ...(type ? { "Content-Type": type } : {}) });
  const boundary = "----probe" + randomBytes(6).toString("hex");
  const encodings = spec.encoding === "both" ? (["urlencoded", "multipart"] as const) : ([spec.encoding] as const);
  const send = (what: string, entries: Array<[string, string]>, extra: Partial<Probe> = {}) => {
    for (const encoding of encodings) {
      probes.push(
        encoding === "urlencoded"
          ? { route: routeId, what: `${what} (urlencoded)`, method: "POST", url, headers: headers("application/x-www-form-urlencoded"), body: urlencoded(entries), ...extra }
          : { route: routeId, what: `${what} (multipart)`, method: "POST", url, headers: headers(`multipart/form-data; boundary=${boundary}`), body: multipart(entries, boundary), ...extra },
      );
    }
  };

  const intents = [...spec.intents.map((i) => i.intent), ...(spec.fieldless ?? [])];
  for (const intent of intents) {
    const entries: Array<[string, string]> = intent ? [["intent", intent]] : [];
    for (const body of notForms(entries)) {
      probes.push({ route: routeId, what: `intent ${intent ?? "-"}: ${body.what}`, method: "POST", url, headers: headers(body.type), body: body.body, expect4xx: !spec.bodyIgnored });
    }
  }
  send("empty form", []);
  send("unknown intent", [["intent", "does-not-exist"]]);
  send("intent twice", [["intent", spec.intents[0]?.intent ?? "x"], ["intent", "x"]]);
  send("over 2 MB", [["intent", spec.intents[0]?.intent ?? "x"], ["padding", "y".repeat(2 * 1024 * 1024 + 10)]], { expect4xx: !spec.bodyIgnored });

  for (const intent of spec.intents) {
    const lead: Array<[string, string]> = intent.intent ? [["intent", intent.intent]] : [];
    const base = Object.entries(intent.base ?? {}).map(([k, v]) => [fill(k, fx.ids), fill(v, fx.ids)] as [string, string]);
    const fieldNames = Object.keys(intent.fields).map((f) => fill(f, fx.ids));
    // Alone, unless every field may be left out (then it is a valid request: "cancel, no reason").
    if (!Object.keys(intent.fields).every((f) => intent.optional?.includes(f))) send(`intent ${intent.intent ?? "-"} alone`, lead);
    // Every known field missing in turn (the others at their valid base values, if any).
    for (const missing of fieldNames.filter((f) => !intent.optional?.map((o) => fill(o, fx.ids)).includes(f))) send(`intent ${intent.intent ?? "-"} without ${missing}`, [...lead, ...base.filter(([k]) => k !== missing)]);
    for (const [rawName, kind] of Object.entries(intent.fields)) {
      const name = fill(rawName, fx.ids);
      const others = base.filter(([k]) => k !== name);
      for (const value of GARBAGE[kind]) {
        send(`intent ${intent.intent ?? "-"}: ${name}=${describe(value)}`, [...lead, ...others, [name, value]]);
      }
      // Wrong types: the field given twice, and (multipart) a file where text belongs.
      send(`intent ${intent.intent ?? "-"}: ${name} twice`, [...lead, ...others, [name, GARBAGE[kind][0]!], [name, GARBAGE[kind].at(-1)!]]);
      {
        // (A urlencoded form's reader takes multipart too, so every route gets this one.)
        const body = multipart([...lead, ...others, [name, { filename: "evil\u202Egpj.exe", type: "application/x-msdownload", data: Buffer.from("MZ\u0000\u0000") }]], boundary);
        probes.push({ route: routeId, what: `intent ${intent.intent ?? "-"}: ${name} as a file`, method: "POST", url, headers: headers(`multipart/form-data; boundary=${boundary}`), body });
      }
    }
    // Every field garbage at once.
    send(`intent ${intent.intent ?? "-"}: every field garbage`, [...lead, ...Object.entries(intent.fields).map(([f, k]) => [fill(f, fx.ids), GARBAGE[k][1]!] as [string, string])]);
  }
  // Files the upload routes must refuse, with otherwise valid fields.
  if (spec.encoding !== "urlencoded") {
    const intent = spec.intents[0]!;
    const lead: Array<[string, string]> = intent.intent ? [["intent", intent.intent]] : [];
    const base = Object.entries(intent.base ?? {}).map(([k, v]) => [fill(k, fx.ids), fill(v, fx.ids)] as [string, string]);
    const file = (filename: string, type: string, data: Buffer, fields = base) => multipart([...lead, ...fields, ["files", { filename, type, data }], ["file", { filename, type, data }]], boundary);
    for (const [what, body] of [
      ["an executable", file("invoice.exe", "application/x-msdownload", Buffer.from("MZ\u0090\u0000"))],
      ["a PDF that is not one", file("invoice.pdf", "application/pdf", Buffer.from("not a pdf at all"))],
      // File names are cleaned of control characters (storage policy), so this one goes without
      // the valid fields: the upload itself would be fine.
      ["a name with bidi controls", file("report\u202Efdp.exe", "application/pdf", Buffer.from("%PDF-1.4\n%%EOF"), [])],
      ["a name with ; and =", file("a=b;c.pdf", "application/pdf", Buffer.from("%PDF-1.4\n%%EOF"))],
    ] as const) {
      probes.push({ route: routeId, what: `file: ${what}`, method: "POST", url, headers: headers(`multipart/form-data; boundary=${boundary}`), body });
    }
  }
  return probes;
}

function apiProbes(routeId: string, url: string, spec: ApiRoute, fx: Fixture): Probe[] {
  const probes: Probe[] = [];
  const headers = (type?: string): Record<string, string> => ({ Authorization: `Bearer ${fx.apiKey}`, ...(type ? { "Content-Type": type } : {}) });
  const fillDeep = (value: unknown): unknown => {
    if (typeof value === "string") return fill(value, fx.ids);
    if (Array.isArray(value)) return value.map(fillDeep);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v)]));
    return value;
  };
  const base = fillDeep(spec.base ?? {}) as Record<string, unknown>;
  const send = (what: string, body: string | Buffer, type = "application/json") => probes.push({ route: routeId, what, method: spec.method, url, headers: headers(type), body });

  for (const [what, body] of [
    ["not JSON", "{not json"],
    ["JSON null", "null"],
    ["JSON array", "[]"],
    ["JSON string", '"hello"'],
    ["JSON number 1e309", "1e309"],
    ["deeply nested", "[".repeat(5000) + "]".repeat(5000)],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ["BOM first", "\uFEFF{}"],
    // In a field the schema bounds, so the body is invalid whether or not a body cap refuses it first.
    ["over 2 MB", JSON.stringify({ ...base, [Object.keys(spec.fields)[0]!]: "y".repeat(2 * 1024 * 1024 + 10) })],
  ] as const) {
    send(what, body);
  }
  send("text/plain", "hello", "text/plain");
  send("form body", "a=1&b=2", "application/x-www-form-urlencoded");
  send("multipart without boundary", "--x\r\n", "multipart/form-data");
  send("no fields", "{}");
  for (const field of Object.keys(spec.fields)) {
    if (spec.optional?.includes(field)) continue;
    const { [field]: _dropped, ...rest } = base;
    send(`without ${field}`, JSON.stringify(rest));
  }
  for (const [field, kind] of Object.entries(spec.fields)) {
    for (const value of JSON_GARBAGE[kind]) {
      const json = JSON.stringify({ ...base, [field]: fillDeep(value) }).replace(/1e\+308/g, "1e309");
      send(`${field}=${describe(JSON.stringify(value) ?? "undefined")}`, json);
    }
  }
  // The external id in the path: too long, control characters, bidi controls.
  if (url.includes(encodeURIComponent(fx.ids["invoice.externalId"]!)) || url.includes(encodeURIComponent(fx.ids["customer.externalId"]!)) || /externalId/.test(routeId)) {
    const param = fx.params[routeId]?.externalId ?? "";
    for (const bad of ["x".repeat(101), "ERP-\u202Eevil", "ERP\u0000", "ERP\u200F1", "%"]) {
      const badUrl = url.replace(encodeURIComponent(param), bad === "%" ? "%25E0%A4%A" : encodeURIComponent(bad));
      probes.push({ route: routeId, what: `external id ${describe(bad)}`, method: spec.method, url: badUrl, headers: headers("application/json"), body: JSON.stringify(base) });
    }
  }
  return probes;
}

/** Garbage query parameters for every loader: dates, numbers, enums, cursors. */
const QUERY_GARBAGE = [
  "from=2024-13-45&to=9999-99-99",
  "from=2024-02-30&to=2023-02-29",
  "from=%2B275760-09-14&to=-000001-01-01",
  "to=9999-12-31",
  "page=1e309&limit=-1",
  "page=NaN&limit=1e309&after=%00",
  "page=-1&limit=0.5&after=" + "A".repeat(5000),
  "status=%E2%80%AE&method=%00&kind=x&done=%E2%80%AE&saved=2&authorized=x",
  "q=" + encodeURIComponent("\u202E" + "x".repeat(10_000)) + "&customer=%25%25%5C&sort=%00&dir=x&filter=x&account=" + "x".repeat(100),
  "invoice=x&invoice=" + "y".repeat(1000) + "&token=%E2%80%AE&email=%00&signedOut=%00",
  "since=2024-13-45T25:61",
];

function describe(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 20)}…(${value.length} chars)` : value;
  return JSON.stringify(shown);
}

// ---------------------------------------------------------------------------------------------

interface BuiltRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  module: { action?: unknown; loader?: unknown };
}

function fullPath(routes: Record<string, BuiltRoute>, id: string): string {
  const segments: string[] = [];
  for (let r: BuiltRoute | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) if (r.path) segments.unshift(r.path);
  return "/" + segments.join("/");
}

test("malformed bodies to every action and API route answer 4xx and write nothing", async () => {
  test.setTimeout(900_000);
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as { routes: Record<string, BuiltRoute> };
  const routes = Object.values(build.routes);
  const fx = await loadFixture();

  // Coverage first: every action and every parameterised loader must be known here.
  const unknown: string[] = [];
  for (const r of routes) {
    const url = fullPath(build.routes, r.id);
    if (r.module.action && !FORMS[r.id] && !API[r.id] && !REFUSING_ACTIONS.has(r.id)) unknown.push(`${r.id}: action not covered by FORMS, API or REFUSING_ACTIONS`);
    for (const param of url.match(/:\w+/g) ?? []) if (!fx.params[r.id]?.[param.slice(1)]) unknown.push(`${r.id}: no value for ${param}`);
  }
  for (const id of [...Object.keys(FORMS), ...Object.keys(API), ...REFUSING_ACTIONS]) if (!build.routes[id]?.module.action) unknown.push(`${id}: listed here but has no action in the build`);
  expect(unknown, "routes the malformed-input test does not cover").toEqual([]);

  const api: APIRequestContext = await playwrightRequest.newContext({ baseURL: e2e.appUrl });
  const urlOf = (r: BuiltRoute) => fullPath(build.routes, r.id).replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(fx.params[r.id]![name]!));
  const cookieOf = (r: BuiltRoute, who: Who): string | undefined => {
    if (who === "anon") return undefined;
    const as = fx.params[r.id]?.as;
    return who === "payer" ? fx.cookies[as ?? "payer"] : fx.cookies[who];
  };
  const whoLoads = (r: BuiltRoute): Who => {
    const url = fullPath(build.routes, r.id);
    if (url.startsWith("/admin")) return r.id === "routes/admin.plans.settings" || r.id === "routes/admin.collections.settings" ? "admin" : "staff";
    if (url.startsWith("/api/") || url.startsWith("/login") || url.startsWith("/dev") || url === "/" || url === "/logout") return "anon";
    return "payer";
  };

  const probes: Probe[] = [];
  for (const r of routes) {
    if (!r.module.action) continue;
    const form = FORMS[r.id];
    const url = urlOf(r) + (form?.query ?? "");
    if (form) {
      probes.push(...formProbes(r.id, url, form, fx, cookieOf(r, form.as)));
      if (r.id === "routes/admin.import") {
        const boundary = "----probecsv";
        for (const [kind, csvs] of Object.entries(CSV_IMPORTS)) {
          for (const [i, csv] of csvs.entries()) {
            for (const intent of ["preview", "import"]) {
              const body = multipart([["intent", intent], ["kind", kind], ["csv", fill(csv, fx.ids)]], boundary);
              probes.push({ route: r.id, what: `${intent} ${kind} CSV #${i + 1}`, method: "POST", url, headers: { Origin: e2e.appUrl, Cookie: fx.cookies.staff, "Content-Type": `multipart/form-data; boundary=${boundary}` }, body });
            }
          }
        }
      }
    }
    const apiRoute = API[r.id];
    if (apiRoute) probes.push(...apiProbes(r.id, url, apiRoute, fx));
    if (REFUSING_ACTIONS.has(r.id)) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
        for (const body of ['{"operations": 1e309}', "not json", huge("x")]) {
          const headers = { Authorization: `Bearer ${fx.apiKey}`, "Content-Type": "application/json" };
          probes.push({ route: r.id, what: `${method} ${body.slice(0, 20)}`, method, url, headers, body, expect4xx: true });
        }
      }
    }
  }
  for (const r of routes) {
    if (!r.module.loader || r.id === "root") continue;
    const who = whoLoads(r);
    const headers: Record<string, string> = { ...(r.id.startsWith("routes/api.v1") ? { Authorization: `Bearer ${fx.apiKey}` } : {}) };
    const cookie = cookieOf(r, who);
    if (cookie) headers.Cookie = cookie;
    for (const query of QUERY_GARBAGE) probes.push({ route: r.id, what: `GET ?${query.slice(0, 60)}`, method: "GET", url: `${urlOf(r)}?${query}`, headers });
  }

  // A snapshot after every probe, so a write is traced to the request that made it.
  const failures: string[] = [];
  const written: string[] = [];
  const statuses = new Map<number, number>();
  let before = await quietSnapshot();
  const send = (probe: Probe) => api.fetch(probe.url, { method: probe.method, headers: probe.headers, data: probe.body, maxRedirects: 0, timeout: 30_000, failOnStatusCode: false });
  for (const probe of probes) {
    let status: number;
    let text = "";
    try {
      // A connection the server closed after refusing an unread oversize body is not reused.
      const res = await send(probe).catch((error: unknown) => (/ECONNRESET|EPIPE|socket hang up/.test(String(error)) && !probe.what.startsWith("over 2 MB") ? send(probe) : Promise.reject(error)));
      status = res.status();
      if (status >= 500 || (probe.expect4xx && status < 400)) text = (await res.text()).slice(0, 160).replace(/\s+/g, " ");
    } catch (error) {
      // A server may refuse an oversize body without reading it and close the connection while
      // the client is still sending: that is a refusal, not a failure.
      const reset = probe.what.startsWith("over 2 MB") && /ECONNRESET|EPIPE|socket hang up/.test(String(error));
      status = reset ? 413 : 599;
      text = String(error).slice(0, 160);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const where = `${probe.method} ${probe.url.slice(0, 70)} [${probe.route}] ${probe.what}`;
    if (status >= 500) failures.push(`${status} ${where} → ${text}`);
    else if (probe.expect4xx && status < 400) failures.push(`${status} (expected 4xx) ${where} → ${text}`);
    const after = await snapshot();
    const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
    if (changed.length > 0) written.push(`${status} ${where}: ${changed.join(", ")}`);
    before = after;
  }
  await api.dispose();

  console.log(`malformed-input: ${probes.length} requests to ${new Set(probes.map((p) => p.route)).size} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  if (failures.length > 0) console.log(failures.join("\n"));
  if (written.length > 0) console.log(`written:\n${written.join("\n")}`);
  expect(failures, "requests answered 5xx (or not refused)").toEqual([]);
  expect(written, "routes after whose requests a table's content changed").toEqual([]);
});
