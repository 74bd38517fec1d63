import { eq } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { accounts, users } from "#db/schema/accounts";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments, refunds } from "#db/schema/payments";
import { db } from "~/db.server";
import { seed } from "../../../test/helpers";
import { refundPayment } from "./refund-payment.server";

beforeAll(seed);

it("refuses an invoice named twice in one refund, which would add up past what was paid on it", async () => {
  const [account] = await db.select().from(accounts).where(eq(accounts.number, "C-1001"));
  const [invoice] = await db.select().from(invoices).where(eq(invoices.accountId, account!.id)).limit(1);
  const [agent] = await db.select().from(users).where(eq(users.role, "ar_agent")).limit(1);
  const [payment] = await db.insert(payments).values({ accountId: account!.id, amount: 1000, currency: invoice!.currency, status: "succeeded" }).returning();
  await db.insert(paymentAllocations).values({ paymentId: payment!.id, invoiceId: invoice!.id, amount: 1000 });

  const result = await refundPayment({
    staff: { userId: agent!.id, ip: null },
    paymentId: payment!.id,
    parts: [
      { invoiceId: invoice!.id, amount: 600 },
      { invoiceId: invoice!.id, amount: 600 },
    ],
    reason: null,
  });
  expect(result).toEqual({ ok: false, message: "Each invoice can appear only once." });
  expect(await db.select().from(refunds).where(eq(refunds.paymentId, payment!.id))).toEqual([]);
  const [after] = await db.select().from(payments).where(eq(payments.id, payment!.id));
  expect(after!.amountRefunded).toBe(0);
});
