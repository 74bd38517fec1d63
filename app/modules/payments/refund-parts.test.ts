import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { paymentAllocations, payments, refunds } from "#db/schema/payments";
import { db } from "~/db.server";
import { testData } from "../../../test/helpers";
import { refundPayment } from "./refund-payment.server";

it("refuses an invoice named twice in one refund, which would add up past what was paid on it", async () => {
  const data = await testData();
  const account = await data.account();
  const invoice = await data.invoice(account, { total: 1000, paid: 1000 });
  const agent = await data.staff("ar_agent");
  const [payment] = await db.insert(payments).values({ accountId: account.id, amount: 1000, currency: invoice.currency, status: "succeeded" }).returning();
  await db.insert(paymentAllocations).values({ paymentId: payment!.id, invoiceId: invoice.id, amount: 1000 });

  const result = await refundPayment(
    { kind: "staff", userId: agent.id, role: "ar_agent", ip: null },
    {
      paymentId: payment!.id,
      parts: [
        { invoiceId: invoice.id, amount: 600 },
        { invoiceId: invoice.id, amount: 600 },
      ],
      reason: null,
    },
  );
  expect(result).toMatchObject({ kind: "invalid", message: "Each invoice can appear only once." });
  expect(await db.select().from(refunds).where(eq(refunds.paymentId, payment!.id))).toEqual([]);
  const [after] = await db.select().from(payments).where(eq(payments.id, payment!.id));
  expect(after!.amountRefunded).toBe(0);
});

it("refuses a refund by anyone but AR staff, whatever the body", async () => {
  const data = await testData();
  const { user, accounts } = await data.payer();
  const invoice = await data.invoice(accounts[0]!, { total: 1000, paid: 1000 });
  const [payment] = await db.insert(payments).values({ accountId: accounts[0]!.id, amount: 1000, currency: invoice.currency, status: "succeeded" }).returning();
  await db.insert(paymentAllocations).values({ paymentId: payment!.id, invoiceId: invoice.id, amount: 1000 });
  const result = await refundPayment({ kind: "payer", userId: user.id, ip: null }, { paymentId: payment!.id, parts: [{ invoiceId: invoice.id, amount: 100 }], reason: null });
  expect(result).toMatchObject({ kind: "forbidden", message: "Only AR staff can refund a payment." });
  expect(await db.select().from(refunds).where(eq(refunds.paymentId, payment!.id))).toEqual([]);
});
