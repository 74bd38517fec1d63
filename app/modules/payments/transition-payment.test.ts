import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { paymentAllocations, payments } from "#db/schema/payments";
import { db } from "~/db.server";
import { systemActor } from "~/modules/auth/actor";
import { testData } from "../../../test/helpers";
import { releasePayment } from "./reserve.server";
import { transitionPayment } from "./transition-payment.server";

/** A pending payment of 40.00 reserving that much of a new 100.00 invoice. */
async function pendingPayment() {
  const data = await testData();
  const account = await data.account();
  const invoice = await data.invoice(account, { total: 100_00 });
  const [payment] = await db.insert(payments).values({ accountId: account.id, amount: 40_00, currency: "USD" }).returning();
  await db.insert(paymentAllocations).values({ paymentId: payment!.id, invoiceId: invoice.id, amount: 40_00 });
  await db.update(invoices).set({ amountPending: 40_00 }).where(eq(invoices.id, invoice.id));
  return { payment: payment!, invoice };
}

it("releases a balance once when the webhook, the return page and reconciliation end the same payment at the same moment", async () => {
  const { payment, invoice } = await pendingPayment();
  const outcomes = await Promise.all(
    (["failed", "canceled", "canceled", "failed"] as const).map((to, i) =>
      db.transaction((tx) => releasePayment(tx, systemActor(i % 2 ? "job" : "stripe"), payment.id, to, { code: "test", message: "Raced." })),
    ),
  );
  const moved = outcomes.filter((o) => o.moved);
  expect(moved).toHaveLength(1);
  const [after] = await db.select().from(payments).where(eq(payments.id, payment.id));
  // The losers were told where it ended instead of moving it again.
  for (const o of outcomes.filter((x) => !x.moved)) expect(o).toEqual({ moved: false, status: after!.status });
  expect((await db.select().from(invoices).where(eq(invoices.id, invoice.id)))[0]!.amountPending).toBe(0);
  const ended = await db.select().from(events).where(and(eq(events.subjectType, "payment"), eq(events.subjectId, payment.id)));
  expect(ended.map((e) => e.type)).toEqual([`payment.${after!.status}`]);
  expect(await db.select().from(auditLog).where(eq(auditLog.subjectId, payment.id))).toHaveLength(1);
});

it("refuses a move the table does not allow, writing nothing", async () => {
  const { payment, invoice } = await pendingPayment();
  await db.transaction((tx) => releasePayment(tx, systemActor("stripe"), payment.id, "canceled"));
  let effects = 0;
  const back = await db.transaction((tx) =>
    transitionPayment(tx, systemActor("stripe"), {
      paymentId: payment.id,
      to: "succeeded",
      effects: async () => {
        effects++;
        return {};
      },
    }),
  );
  expect(back).toEqual({ moved: false, status: "canceled" });
  expect(effects).toBe(0);
  expect((await db.select().from(invoices).where(eq(invoices.id, invoice.id)))[0]!.amountPending).toBe(0);
  expect(await db.select().from(events).where(eq(events.subjectId, payment.id))).toHaveLength(1);
});
