import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { control, startTestStripe } from "../../../test/stripe";
import { drainJobs, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { isProblem } from "~/utils/problem";

// The emulator must be up before anything reads the configuration.
const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;

const { startPayment } = await import("./start-payment.server");
const { verifyPaymentBankAccount } = await import("./verify-bank-account.server");
const { getPaymentForPayer } = await import("./get-payment.server");

let data: Awaited<ReturnType<typeof testData>>;
let account: Awaited<ReturnType<typeof data.account>>;
let payer: { kind: "payer"; userId: string; ip: string | null };
let payerEmail: string;
let attempt = 0;

beforeAll(async () => {
  data = await testData();
  account = await data.account();
  const { user } = await data.payer({ accounts: [account] });
  payer = { kind: "payer", userId: user.id, ip: "203.0.113.9" };
  payerEmail = user.email;
});
afterAll(() => stripeUnderTest.stop());

const payment = async (id: string) => (await db.select().from(payments).where(eq(payments.id, id)))[0]!;
const invoice = async (id: string) => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;

async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the payment");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new invoice paid by bank with microdeposits: Checkout completes, the bank account awaits verification. */
async function payAwaitingMicrodeposits() {
  const [inv] = await data.invoices(account, [{ total: 250_00 + ++attempt }]);
  const started = await startPayment(payer, { accountId: account.id, attemptId: `micro-${Date.now()}-${attempt}-abcdefgh`, amounts: [{ invoiceId: inv!.id, amount: inv!.balance }], savePaymentMethod: false });
  if (isProblem(started)) throw new Error(started.message);
  const res = await submitHostedCheckout(started.checkoutUrl, { account: "000123456789", microdeposits: true });
  expect(res.status).toBe(303);
  await settle(async () => (await payment(started.paymentId)).bankVerification === "pending");
  return { paymentId: started.paymentId, invoice: inv! };
}

async function failureEmailsTo(email: string) {
  await drainJobs();
  return db.select().from(devEmails).where(sql`${devEmails.subject} like '%did not go through' and ${devEmails.to} = ${email}`);
}

describe("a bank account verified by microdeposits", () => {
  it("keeps the payment pending and the balance reserved, shows where to verify, then debits once the amounts are right", async () => {
    const { paymentId, invoice: inv } = await payAwaitingMicrodeposits();
    const waiting = await payment(paymentId);
    expect(waiting).toMatchObject({ status: "pending", bankVerification: "pending" });
    expect(waiting.bankVerificationUrl).toContain(`/microdeposit/${waiting.stripePaymentIntentId}`);
    expect(waiting.bankVerificationExpiresAt!.getTime() - Date.now()).toBeGreaterThan(9 * 86_400_000);
    expect(await invoice(inv.id)).toMatchObject({ amountPending: inv.balance, status: "open" });
    const view = await getPaymentForPayer(payer, paymentId);
    expect(isProblem(view) ? null : view.bankVerification).toBe("pending");

    const wrong = await verifyPaymentBankAccount(payer, { paymentId, answer: { amounts: [12, 34] } });
    expect(isProblem(wrong) && wrong.message).toBe("Those amounts do not match the deposits sent to your bank account. You have 2 tries left.");
    expect((await payment(paymentId)).status).toBe("pending");

    const verified = await verifyPaymentBankAccount(payer, { paymentId, answer: { amounts: [32, 45] } });
    expect(verified).toEqual({ status: "processing" });
    expect(await payment(paymentId)).toMatchObject({ status: "processing", bankVerification: "verified" });
    await control(emulator, "settle", { payment_intent: waiting.stripePaymentIntentId! });
    await settle(async () => (await payment(paymentId)).status === "succeeded");
    expect(await invoice(inv.id)).toMatchObject({ status: "paid", amountPending: 0, balance: 0 });
  });

  it("verifies with the descriptor code", async () => {
    const { paymentId } = await payAwaitingMicrodeposits();
    const wrong = await verifyPaymentBankAccount(payer, { paymentId, answer: { descriptorCode: "SM99ZZ" } });
    expect(isProblem(wrong) && wrong.fields).toEqual({ descriptor_code: "That code does not match the one sent to your bank account. You have 2 tries left." });
    expect(await verifyPaymentBankAccount(payer, { paymentId, answer: { descriptorCode: "SM11AA" } })).toEqual({ status: "processing" });
  });

  it("fails the payment after 3 wrong tries: balance released, payer emailed in their words", async () => {
    const { paymentId, invoice: inv } = await payAwaitingMicrodeposits();
    const before = (await failureEmailsTo(payerEmail)).length;
    for (const left of ["2 tries", "1 try"]) {
      const wrong = await verifyPaymentBankAccount(payer, { paymentId, answer: { amounts: [1, 2] } });
      expect(isProblem(wrong) && wrong.message).toContain(`You have ${left} left.`);
    }
    expect(await verifyPaymentBankAccount(payer, { paymentId, answer: { amounts: [1, 2] } })).toEqual({ status: "failed" });
    expect(await payment(paymentId)).toMatchObject({ status: "failed", bankVerification: "failed", failureCode: "payment_method_microdeposit_verification_attempts_exceeded" });
    expect(await invoice(inv.id)).toMatchObject({ amountPending: 0, balance: inv.balance, status: "open" });
    const view = await getPaymentForPayer(payer, paymentId);
    expect(isProblem(view) ? null : view.failureMessage).toContain("entered wrongly 3 times");
    expect((await failureEmailsTo(payerEmail)).length).toBe(before + 1);
    const late = await verifyPaymentBankAccount(payer, { paymentId, answer: { amounts: [32, 45] } });
    expect(isProblem(late) && late.kind).toBe("conflict");
  });

  it("fails the payment when the 10-day window passes (Stripe's timeout webhook)", async () => {
    const { paymentId, invoice: inv } = await payAwaitingMicrodeposits();
    await control(emulator, "microdeposits/timeout", { intent: (await payment(paymentId)).stripePaymentIntentId! });
    await settle(async () => (await payment(paymentId)).status === "failed");
    expect(await payment(paymentId)).toMatchObject({ bankVerification: "failed", failureCode: "payment_method_microdeposit_verification_timeout" });
    expect(await invoice(inv.id)).toMatchObject({ amountPending: 0, balance: inv.balance });
  });

  it("another payer cannot verify someone else's payment", async () => {
    const { paymentId } = await payAwaitingMicrodeposits();
    const other = await data.account();
    const { user } = await data.payer({ accounts: [other] });
    const refused = await verifyPaymentBankAccount({ kind: "payer", userId: user.id, ip: null }, { paymentId, answer: { amounts: [32, 45] } });
    expect(isProblem(refused) && refused.kind).toBe("not_found");
    expect((await payment(paymentId)).status).toBe("pending");
  });
});
