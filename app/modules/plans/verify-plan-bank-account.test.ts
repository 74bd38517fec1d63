import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "#db/schema/accounts";
import { installments, paymentPlans } from "#db/schema/plans";
import { db } from "~/db.server";
import { setClock } from "~/utils/clock";
import type { PayerActor } from "~/modules/auth/actor";
import { isProblem } from "~/utils/problem";
import { drainJobs, TEST_TODAY, testData } from "../../../test/helpers";
import { submitHostedCheckout } from "../../../test/hosted-checkout";
import { control, startTestStripe } from "../../../test/stripe";

const stripeUnderTest = await startTestStripe();
const { emulator } = stripeUnderTest;

const { enrolInPlan } = await import("./enrol.server");
const { getPlanBankVerification, verifyPlanBankAccount } = await import("./verify-plan-bank-account.server");
const { getPlanMandate } = await import("./plan-mandate.server");

let payer: PayerActor;
let accountId: string;
let make: Awaited<ReturnType<typeof testData>>;
let attempt = 0;

beforeAll(async () => {
  setClock(() => new Date(`${TEST_TODAY}T15:00:00Z`));
  make = await testData();
  const customer = await make.payer();
  payer = { kind: "payer", userId: customer.user.id, ip: "203.0.113.9" };
  accountId = customer.accounts[0]!.id;
});
afterAll(async () => {
  setClock(undefined);
  await stripeUnderTest.stop();
});

const plan = async (id: string) => (await db.select().from(paymentPlans).where(eq(paymentPlans.id, id)))[0]!;

async function settle(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await drainJobs();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the plan");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plan authorized with a bank account that waits for microdeposits. */
async function planAwaitingMicrodeposits() {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  const [inv] = await make.invoices(account!, [{ total: 300_00 + ++attempt, dueInDays: 20 }]);
  const enrolled = await enrolInPlan(payer, { accountId, attemptId: `micro-plan-${Date.now()}-${attempt}-abcdefgh`, invoiceIds: [inv!.id], installmentCount: 2, frequency: "monthly", firstDate: TEST_TODAY });
  if (isProblem(enrolled)) throw new Error(enrolled.message);
  const res = await submitHostedCheckout(enrolled.checkoutUrl!, { account: "000123456789", microdeposits: true, holderType: "company" });
  expect(res.status).toBe(303);
  await drainJobs();
  return enrolled.planId;
}

describe("a plan authorized with a bank account verified by microdeposits", () => {
  it("stays authorizing with the verification to do, then activates and charges once the amounts are right", async () => {
    const planId = await planAwaitingMicrodeposits();
    expect(await plan(planId)).toMatchObject({ status: "authorizing", stripePaymentMethodId: null });
    const waiting = await getPlanBankVerification(payer, { planId, accountId });
    expect(waiting?.verificationUrl).toMatch(/\/microdeposit\/seti_/);
    expect(new Date(waiting!.expiresAt).getTime()).toBeGreaterThan(Date.now() + 9 * 86_400_000);

    const wrong = await verifyPlanBankAccount(payer, { planId, accountId, answer: { amounts: [10, 20] } });
    expect(isProblem(wrong) && wrong.message).toBe("Those amounts do not match the deposits sent to your bank account. You have 2 tries left.");
    expect((await plan(planId)).status).toBe("authorizing");

    const verified = await verifyPlanBankAccount(payer, { planId, accountId, answer: { amounts: [32, 45] } });
    expect(verified).toEqual({ status: "active" });
    const active = await plan(planId);
    expect(active).toMatchObject({ method: "us_bank_account", stripeMandateId: expect.stringMatching(/^mandate_/) });
    await settle(async () => (await db.select().from(installments).where(eq(installments.planId, planId))).some((i) => i.status === "processing"));
    expect(await getPlanBankVerification(payer, { planId, accountId })).toBeNull();
    // The authorization the payer accepted is kept word for word, in the wording of a business account.
    const mandate = await getPlanMandate(payer, { planId, accountId });
    expect(mandate).toMatchObject({ holderType: "company", text: expect.stringMatching(/^On .+, you confirmed you may act for the business that holds Bank account •••• 6789 .*\(CCD entries\)/) });
  });

  it("is canceled with the reason when the 10 days pass (Stripe's webhook)", async () => {
    const planId = await planAwaitingMicrodeposits();
    const si = (await getPlanBankVerification(payer, { planId, accountId }))!.setupIntentId;
    await control(emulator, "microdeposits/timeout", { intent: si });
    await settle(async () => (await plan(planId)).status === "canceled");
    expect((await plan(planId)).endedReason).toBe("Your bank account was not verified within 10 days, so the plan was canceled. Nothing was charged.");
  });

  it("another payer sees no verification and cannot verify", async () => {
    const planId = await planAwaitingMicrodeposits();
    const other = await make.payer();
    const stranger: PayerActor = { kind: "payer", userId: other.user.id, ip: null };
    expect(await getPlanBankVerification(stranger, { planId, accountId: other.accounts[0]!.id })).toBeNull();
    const refused = await verifyPlanBankAccount(stranger, { planId, accountId: other.accounts[0]!.id, answer: { amounts: [32, 45] } });
    expect(isProblem(refused) && refused.kind).toBe("not_found");
  });
});
