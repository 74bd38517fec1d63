import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { payments, paymentAllocations } from "#db/schema/payments";
import { db } from "~/db.server";
import { listPayerDisputes } from "~/modules/disputes/list-disputes.server";
import { loadPayForm } from "~/modules/payments/pay-form.server";
import { getPaymentForPayer, getPaymentForStaff, paymentsForInvoice } from "~/modules/payments/get-payment.server";
import { listPayments, paymentListQuery } from "~/modules/payments/list-payments.server";
import { loadEnrolOptions } from "~/modules/plans/enrol-options.server";
import { testData } from "../../../test/helpers";
import { invoiceListQuery, listInvoices } from "./list-invoices.server";

/**
 * Who may read account_contacts directly. Everything a payer reads or changes goes through
 * scope.server.ts; the others manage contacts or serve staff.
 */
const allowed: Record<string, string> = {
  "app/modules/invoices/scope.server.ts": "the payer scope itself",
  "app/modules/auth/session.server.ts": "the accounts a signed-in payer may switch between",
  "app/modules/admin/list-customers.server.ts": "staff: customers and their contacts",
  "app/modules/admin/get-customer.server.ts": "staff: one customer and its contacts",
  "app/modules/ingest/upsert-customer.server.ts": "the data-in API writes contacts",
  "app/modules/notifications/email-previews.server.ts": "development only: a real payer to fill the email previews",
  "app/modules/collections/load-reminder-facts.server.ts": "the reminder engine: whether an account has someone to email",
  "app/modules/collections/send-reminder-email.server.ts": "the reminder engine: who a reminder goes to (To and CC)",
  "app/modules/collections/set-contact-reminders.server.ts": "staff: a contact's place on reminder emails",
  "app/modules/collections/preview-reminder.server.ts": "staff: who a cadence step's previewed reminder would go to (To and CC)",
  "app/modules/notifications/account-recipients.server.ts": "who gets an email about an account (To, CC, preferences)",
  "app/modules/notifications/notification-preferences.server.ts": "a payer's own email preferences and their account's contacts",
  "app/modules/notifications/set-contact-role.server.ts": "staff: a contact's role on the account",
};

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) yield full;
  }
}

it("no module but the scope decides which accounts a payer reaches", () => {
  const bypassing = [...sources("app")].filter((file) => /accountContacts|account_contacts/.test(readFileSync(file, "utf8")) && !(file in allowed));
  expect(bypassing, "filter payer queries with app/modules/invoices/scope.server.ts").toEqual([]);
});

describe("a payer asking for another account's rows", () => {
  let pat: { userId: string; accountId: string };
  let olivia: { userId: string; accountId: string };
  let patPaymentId: string;
  let patInvoiceId: string;

  beforeAll(async () => {
    const make = await testData();
    const patUser = await make.payer();
    pat = { userId: patUser.user.id, accountId: patUser.accounts[0]!.id };
    const [patInvoice] = await make.invoices(patUser.accounts[0]!, [{ total: 120_00 }, { total: 80_00, dueInDays: -5 }]);
    patInvoiceId = patInvoice!.id;
    const oliviaUser = await make.payer();
    olivia = { userId: oliviaUser.user.id, accountId: oliviaUser.accounts[0]!.id };
    const [payment] = await db
      .insert(payments)
      .values({ accountId: pat.accountId, createdByUserId: pat.userId, amount: 1000, currency: "usd", status: "succeeded", stripePaymentIntentId: "pi_scope", stripeChargeId: "ch_scope", stripeCheckoutSessionId: "cs_scope", clientAttemptId: "attempt-scope" })
      .returning();
    patPaymentId = payment!.id;
    await db.insert(paymentAllocations).values({ paymentId: patPaymentId, invoiceId: patInvoiceId, amount: 1000 });
  });

  it("gets nothing, even naming that account as theirs", async () => {
    const intruder = { userId: olivia.userId, accountId: pat.accountId };
    const patInvoices = await listInvoices({ kind: "payer", userId: pat.userId, ip: null }, { ...invoiceListQuery.parse({ filter: "open" }), accountId: pat.accountId });
    expect(patInvoices.rows.length).toBe(2);
    const ids = patInvoices.rows.map((r) => r.id);

    const payerActor = (who: { userId: string }) => ({ kind: "payer" as const, userId: who.userId, ip: null });
    expect((await loadPayForm(payerActor(intruder), { accountId: pat.accountId, invoiceIds: ids })).invoices).toEqual([]);
    expect((await loadEnrolOptions(intruder)).invoices).toEqual([]);
    expect(await listPayerDisputes({ kind: "payer", userId: intruder.userId, ip: null }, { accountId: intruder.accountId })).toEqual([]);
    expect(await listPayments(payerActor(intruder), { ...paymentListQuery.parse({}), accountId: pat.accountId })).toMatchObject({ rows: [] });
    expect(await getPaymentForPayer(payerActor(olivia), patPaymentId)).toMatchObject({ kind: "not_found" });
    expect(await paymentsForInvoice(payerActor(olivia), patInvoiceId)).toEqual([]);
    expect((await paymentsForInvoice(payerActor(pat), patInvoiceId)).map((p) => p.id)).toContain(patPaymentId);
    // …while the account's own contact does.
    expect((await loadPayForm(payerActor(pat), { accountId: pat.accountId, invoiceIds: ids })).invoices.length).toBe(ids.length);
    expect(await listPayments(payerActor(pat), { ...paymentListQuery.parse({}), accountId: pat.accountId })).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining({ id: patPaymentId })]) });
  });

  it("sees a payment without Stripe's ids, the attempt key, refunds or the event timeline", async () => {
    const view = await getPaymentForPayer({ kind: "payer", userId: pat.userId, ip: null }, patPaymentId);
    expect(Object.keys(view!).sort()).toEqual(
      ["accountName", "accountNumber", "allocations", "amount", "amountChargedBack", "amountRefunded", "bankVerification", "bankVerificationExpiresAt", "bankVerificationUrl", "canceledAt", "chargebackState", "checkoutUrl", "createdAt", "currency", "failedAt", "failureMessage", "id", "method", "methodLabel", "payer", "processingAt", "status", "succeededAt"].sort(),
    );
    expect(JSON.stringify(view)).not.toMatch(/pi_scope|ch_scope|cs_scope|attempt-scope/);
    expect(await getPaymentForStaff({ kind: "staff", userId: pat.userId, role: "ar_agent", ip: null }, patPaymentId)).toMatchObject({ stripePaymentIntentId: "pi_scope", timeline: [] });
  });
});
