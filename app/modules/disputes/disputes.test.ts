import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accounts, users } from "#db/schema/accounts";
import { attachments, creditMemos } from "#db/schema/disputes";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import { payableAmount } from "~/modules/invoices/payable";
import { drainJobs, seed } from "../../../test/helpers";
import { assignDispute } from "./assign-dispute.server";
import { getAttachment } from "./get-attachment.server";
import { getDispute } from "./get-dispute.server";
import { listDisputeQueue, queueQuery } from "./list-disputes.server";
import { openDispute } from "./open-dispute.server";
import { postDisputeMessage } from "./post-message.server";
import { resolveDispute } from "./resolve-dispute.server";
import { withdrawDispute } from "./withdraw-dispute.server";

const pdf = { filename: "delivery-note.pdf", contentType: "application/pdf", bytes: Buffer.from("%PDF-1.4\n% test\n") };
let pat: { userId: string; ip: string | null };
let olivia: { userId: string; ip: string | null };
let agent: { userId: string; ip: string | null };
let northwind: string;
const used = new Set<string>();

async function freshInvoice() {
  const rows = await db.select().from(invoices).where(and(eq(invoices.accountId, northwind), eq(invoices.status, "open"), eq(invoices.amountDisputed, 0), sql`${invoices.balance} > 1000`)).orderBy(invoices.number);
  const row = rows.find((r) => !used.has(r.id))!;
  used.add(row.id);
  return row;
}
const invoice = async (id: string) => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;

beforeAll(async () => {
  await seed();
  const byEmail = async (email: string) => ({ userId: (await db.select().from(users).where(eq(users.email, email)))[0]!.id, ip: null });
  pat = await byEmail("pat@northwind.example");
  olivia = await byEmail("olivia@globex.example");
  agent = await byEmail("agent@acme.example");
  northwind = (await db.select().from(accounts).where(eq(accounts.number, "C-1001")))[0]!.id;
});

describe("opening a dispute", () => {
  it("holds the disputed amount out of what is payable, stores the file, starts the SLA and emails the payer", async () => {
    const inv = await freshInvoice();
    const part = Math.floor(inv.balance / 2);
    const result = await openDispute({ payer: pat, invoiceId: inv.id, reason: "pricing_error", description: "Unit price is above our contract", amount: part, lineIds: [], files: [pdf] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const after = await invoice(inv.id);
    expect(after.amountDisputed).toBe(part);
    expect(after.balance).toBe(inv.balance); // still owed
    expect(payableAmount(after)).toBe(inv.balance - part); // but only the rest is payable
    const dispute = await getDispute({ kind: "payer", userId: pat.userId }, result.disputeId);
    expect(dispute!.messages[0]!.files.map((f) => f.filename)).toEqual(["delivery-note.pdf"]);
    expect(dispute!.firstResponseDueAt.getTime()).toBeGreaterThan(Date.now());
    await drainJobs();
    expect((await db.select().from(devEmails).where(sql`${devEmails.subject} like 'We received your dispute%'`)).length).toBeGreaterThan(0);
    expect((await db.select().from(events).where(and(eq(events.subjectId, result.disputeId), eq(events.type, "dispute.opened")))).length).toBe(1);
  });

  it("refuses more than the disputable amount, a second open dispute, and another account's invoice", async () => {
    const inv = await freshInvoice();
    const tooMuch = await openDispute({ payer: pat, invoiceId: inv.id, reason: "other", description: "Something is off here", amount: inv.balance + 1, lineIds: [], files: [] });
    expect(tooMuch).toMatchObject({ ok: false, field: "amount" });
    expect((await openDispute({ payer: pat, invoiceId: inv.id, reason: "other", description: "Whole balance please", amount: null, lineIds: [], files: [] })).ok).toBe(true);
    expect((await invoice(inv.id)).amountDisputed).toBe(inv.balance);
    const second = await openDispute({ payer: pat, invoiceId: inv.id, reason: "tax", description: "And the tax too", amount: null, lineIds: [], files: [] });
    expect(second).toMatchObject({ ok: false });
    const foreign = await openDispute({ payer: olivia, invoiceId: (await freshInvoice()).id, reason: "other", description: "Not my invoice at all", amount: null, lineIds: [], files: [] });
    expect(foreign).toMatchObject({ ok: false, message: "Invoice not found." });
  });
});

describe("the thread", () => {
  it("never shows internal notes or their files to the payer, and files of other accounts are out of reach", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "damaged_goods", description: "Cartons arrived crushed", amount: null, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    await postDisputeMessage({ actor: { side: "staff", ...agent }, disputeId: opened.disputeId, body: "Carrier's fault, internal only", files: [{ ...pdf, filename: "internal.pdf" }], kind: "internal_note" });
    const payerView = await getDispute({ kind: "payer", userId: pat.userId }, opened.disputeId);
    expect(JSON.stringify(payerView)).not.toContain("internal only");
    expect(JSON.stringify(payerView)).not.toContain("internal.pdf");
    const staffView = await getDispute({ kind: "staff" }, opened.disputeId);
    expect(staffView!.messages.some((m) => m.visibility === "internal")).toBe(true);
    const [internalFile] = await db.select().from(attachments).where(eq(attachments.filename, "internal.pdf"));
    expect(await getAttachment({ kind: "payer", userId: pat.userId }, internalFile!.id)).toBeNull();
    expect(await getAttachment({ kind: "staff" }, internalFile!.id)).not.toBeNull();
    expect(await getDispute({ kind: "payer", userId: olivia.userId }, opened.disputeId)).toBeNull();
    expect(await postDisputeMessage({ actor: { side: "customer", ...olivia }, disputeId: opened.disputeId, body: "let me in", files: [] })).toMatchObject({ ok: false, notFound: true });
  });

  it("asking for information waits on the customer; the payer's answer puts it back in review", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "not_received", description: "Never arrived at our dock", amount: null, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    await postDisputeMessage({ actor: { side: "staff", ...agent }, disputeId: opened.disputeId, body: "Please send the PO receipt", files: [], kind: "info_request" });
    let d = await getDispute({ kind: "staff" }, opened.disputeId);
    expect(d!.status).toBe("waiting_on_customer");
    expect(d!.firstRespondedAt).not.toBeNull();
    await postDisputeMessage({ actor: { side: "customer", ...pat }, disputeId: opened.disputeId, body: "Here it is", files: [{ filename: "receipt.png", contentType: "image/png", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) }] });
    d = await getDispute({ kind: "staff" }, opened.disputeId);
    expect(d!.status).toBe("in_review");
  });
});

describe("assigning and free text", () => {
  it("refuses an assignee id that names no one (too long, unknown, a payer) instead of unassigning", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "not_received", description: "Never arrived at our dock", amount: null, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    expect(await assignDispute({ staff: agent, disputeId: opened.disputeId, assigneeUserId: agent.userId })).toEqual({ ok: true });
    for (const assigneeUserId of [`${agent.userId}${"x".repeat(40)}`, "usr_does_not_exist", pat.userId, " "]) {
      expect(await assignDispute({ staff: agent, disputeId: opened.disputeId, assigneeUserId }), assigneeUserId).toEqual({ ok: false, message: "Choose a member of the AR team." });
      expect((await getDispute({ kind: "staff" }, opened.disputeId))!.assigneeUserId).toBe(agent.userId);
    }
    // Unassigning is said explicitly (null), and works.
    expect(await assignDispute({ staff: agent, disputeId: opened.disputeId, assigneeUserId: null })).toEqual({ ok: true });
    expect((await getDispute({ kind: "staff" }, opened.disputeId))!.assigneeUserId).toBeNull();
  });

  it("refuses control and bidi characters in descriptions and messages, keeping line breaks", async () => {
    const inv = await freshInvoice();
    const bad = await openDispute({ payer: pat, invoiceId: inv.id, reason: "not_received", description: "Never arrived \u202Eat our dock", amount: null, lineIds: [], files: [] });
    expect(bad).toMatchObject({ ok: false });
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "not_received", description: "Never arrived\r\n\tat our dock", amount: null, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    for (const body of ["Paid \u202E0001 ,ecnerefer", "Bell\u0007", "Isolate \u2066x\u2069"]) {
      expect(await postDisputeMessage({ actor: { side: "customer", ...pat }, disputeId: opened.disputeId, body, files: [] }), JSON.stringify(body)).toEqual({ ok: false, message: expect.stringMatching(/control characters/) });
    }
    expect(await postDisputeMessage({ actor: { side: "customer", ...pat }, disputeId: opened.disputeId, body: "Line one\nLine two — שלום", files: [] })).toEqual({ ok: true });
  });
});

describe("resolution", () => {
  it("a partial credit lowers the balance by exactly the credit and releases the hold", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "pricing_error", description: "Price above contract", amount: 1000, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    expect(await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "credit", creditAmount: "10.01", note: "Too much" })).toMatchObject({ ok: false, field: "creditAmount" });
    expect(await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "credit", creditAmount: "4.00", note: "Contract price applied" })).toEqual({ ok: true });
    const after = await invoice(inv.id);
    expect(after.balance).toBe(inv.balance - 400);
    expect(after.amountCredited).toBe(inv.amountCredited + 400);
    expect(after.amountDisputed).toBe(0);
    expect(await db.select().from(creditMemos).where(eq(creditMemos.disputeId, opened.disputeId))).toHaveLength(1);
    const types = (await db.select().from(events).where(sql`${events.data}->>'disputeId' = ${opened.disputeId} or ${events.subjectId} = ${opened.disputeId}`)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["dispute.opened", "dispute.resolved", "credit_memo.created", "dispute.status_changed"]));
    expect(await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "reject", note: "again" })).toMatchObject({ ok: false });
  });

  it("crediting the whole balance pays the invoice", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "duplicate_billing", description: "Billed twice for the same order", amount: null, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "credit", creditAmount: (inv.balance / 100).toFixed(2), note: "Duplicate removed" });
    expect(await invoice(inv.id)).toMatchObject({ status: "paid", balance: 0, amountDisputed: 0 });
  });

  it("a credit needs an amount the agent typed: an empty amount credits nothing and keeps the dispute open", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "pricing_error", description: "Price above contract", amount: 1000, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    for (const typed of ["", "   ", "0", "abc"]) {
      expect(await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "credit", creditAmount: typed, note: "Contract price applied" }), JSON.stringify(typed)).toEqual({
        ok: false,
        field: "creditAmount",
        message: typed.trim() === "" ? "Type the amount to credit, up to the disputed USD 10.00." : "Enter the credit amount, like 10.00.",
      });
    }
    expect(await invoice(inv.id)).toMatchObject({ amountCredited: inv.amountCredited, amountDisputed: 1000 });
    expect(await db.select().from(creditMemos).where(eq(creditMemos.disputeId, opened.disputeId))).toHaveLength(0);
  });

  it("a rejection needs an explanation and makes the amount payable again; so does a withdrawal", async () => {
    const inv = await freshInvoice();
    const opened = await openDispute({ payer: pat, invoiceId: inv.id, reason: "already_paid", description: "We paid this already", amount: null, lineIds: [], files: [] });
    if (!opened.ok) throw new Error("open failed");
    expect(await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "reject", note: "" })).toMatchObject({ ok: false });
    expect(await resolveDispute({ staff: agent, disputeId: opened.disputeId, outcome: "reject", note: "No payment on record" })).toEqual({ ok: true });
    expect(payableAmount(await invoice(inv.id))).toBe(inv.balance);

    const inv2 = await freshInvoice();
    const second = await openDispute({ payer: pat, invoiceId: inv2.id, reason: "other", description: "Changed my mind later", amount: null, lineIds: [], files: [] });
    if (!second.ok) throw new Error("open failed");
    expect((await withdrawDispute({ payer: olivia, disputeId: second.disputeId })).notFound).toBe(true);
    expect((await withdrawDispute({ payer: pat, disputeId: second.disputeId })).ok).toBe(true);
    expect((await invoice(inv2.id)).amountDisputed).toBe(0);
  });
});

describe("the triage queue", () => {
  it("puts SLA breaches first and filters by them", async () => {
    const list = await listDisputeQueue(queueQuery.parse({ status: "all" }), { userId: agent.userId });
    const firstNonBreached = list.rows.findIndex((r) => !r.breached);
    expect(list.rows.slice(firstNonBreached).some((r) => r.breached)).toBe(false);
    const breached = await listDisputeQueue(queueQuery.parse({ sla: "breached" }), { userId: agent.userId });
    expect(breached.rows.length).toBeGreaterThan(0);
    expect(breached.rows.every((r) => r.breached)).toBe(true);
    expect(breached.total).toBe(list.breachedCount);
  });
});
