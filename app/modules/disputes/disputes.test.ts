import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { attachments, creditMemos, disputes } from "#db/schema/disputes";
import { events } from "#db/schema/events";
import { invoices } from "#db/schema/invoices";
import { devEmails } from "#db/schema/mail";
import { db } from "~/db.server";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import { payableAmount } from "~/modules/invoices/payable";
import { isProblem, type Problem } from "~/utils/problem";
import { drainJobs, testData } from "../../../test/helpers";
import { assignDispute } from "./assign-dispute.server";
import { getAttachment } from "./get-attachment.server";
import { getDispute, type DisputeDetail } from "./get-dispute.server";
import { listDisputeQueue, queueQuery } from "./list-disputes.server";
import { moveDispute } from "./move-dispute.server";
import { openDispute } from "./open-dispute.server";
import { postDisputeMessage } from "./post-message.server";
import { resolveDispute } from "./resolve-dispute.server";
import { transitionDispute } from "./transition-dispute.server";
import { withdrawDispute } from "./withdraw-dispute.server";

const pdf = { filename: "delivery-note.pdf", contentType: "application/pdf", bytes: Buffer.from("%PDF-1.4\n% test\n") };
let pat: PayerActor;
let olivia: PayerActor;
let agent: StaffActor;
let make: Awaited<ReturnType<typeof testData>>;
let patsAccount: Parameters<Awaited<ReturnType<typeof testData>>["invoice"]>[0];

/** A new open invoice of the payer's account (USD 250.00 unless told). */
const freshInvoice = (total = 250_00) => make.invoice(patsAccount, { total });
const invoice = async (id: string) => (await db.select().from(invoices).where(eq(invoices.id, id)))[0]!;
const ok = <T>(value: T | Problem): T => {
  if (isProblem(value)) throw new Error(`${value.kind}: ${value.message}`);
  return value;
};
const staffView = async (disputeId: string): Promise<DisputeDetail> => ok(await getDispute(agent, disputeId));
const open = async (invoiceId: string, input: { reason?: "pricing_error" | "not_received" | "other"; description?: string; amount?: number | null } = {}) =>
  ok(await openDispute(pat, { invoiceId, reason: input.reason ?? "other", description: input.description ?? "Something is wrong here", amount: input.amount ?? null, lineIds: [], files: [] }));

beforeAll(async () => {
  make = await testData();
  const patUser = await make.payer();
  patsAccount = patUser.accounts[0]!;
  pat = { kind: "payer", userId: patUser.user.id, ip: null };
  olivia = { kind: "payer", userId: (await make.payer()).user.id, ip: null };
  agent = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };
});

describe("opening a dispute", () => {
  it("holds the disputed amount out of what is payable, stores the file, starts the SLA and emails the payer", async () => {
    const inv = await freshInvoice();
    const part = Math.floor(inv.balance / 2);
    const result = ok(await openDispute(pat, { invoiceId: inv.id, reason: "pricing_error", description: "Unit price is above our contract", amount: part, lineIds: [], files: [pdf] }));
    const after = await invoice(inv.id);
    expect(after.amountDisputed).toBe(part);
    expect(after.balance).toBe(inv.balance); // still owed
    expect(payableAmount(after)).toBe(inv.balance - part); // but only the rest is payable
    const dispute = ok(await getDispute(pat, result.disputeId));
    expect(dispute.messages[0]!.files.map((f) => f.filename)).toEqual(["delivery-note.pdf"]);
    expect(dispute.firstResponseDueAt.getTime()).toBeGreaterThan(Date.now());
    await drainJobs();
    expect(await db.select().from(devEmails).where(sql`${devEmails.subject} = ${`We received your dispute of invoice ${inv.number}`}`)).toHaveLength(1);
    expect((await db.select().from(events).where(and(eq(events.subjectId, result.disputeId), eq(events.type, "dispute.opened")))).length).toBe(1);
  });

  it("refuses more than the disputable amount, a second open dispute, and another account's invoice", async () => {
    const inv = await freshInvoice();
    const tooMuch = await openDispute(pat, { invoiceId: inv.id, reason: "other", description: "Something is off here", amount: inv.balance + 1, lineIds: [], files: [] });
    expect(tooMuch).toMatchObject({ kind: "invalid", fields: { amount: "You can dispute at most USD 250.00 on this invoice." } });
    await open(inv.id, { description: "Whole balance please" });
    expect((await invoice(inv.id)).amountDisputed).toBe(inv.balance);
    const second = await openDispute(pat, { invoiceId: inv.id, reason: "tax", description: "And the tax too", amount: null, lineIds: [], files: [] });
    expect(second).toMatchObject({ kind: "conflict", message: "This invoice already has an open dispute. Add to it instead of opening another." });
    const foreign = await openDispute(olivia, { invoiceId: (await freshInvoice()).id, reason: "other", description: "Not my invoice at all", amount: null, lineIds: [], files: [] });
    expect(foreign).toMatchObject({ kind: "not_found", message: "Invoice not found." });
    // Staff do not open disputes for the customer.
    expect(await openDispute(agent, { invoiceId: inv.id, reason: "other", description: "Opened by a clerk", amount: null, lineIds: [], files: [] })).toMatchObject({ kind: "not_found" });
  });
});

describe("the thread", () => {
  it("never shows internal notes or their files to the payer, and files of other accounts are out of reach", async () => {
    const opened = await open((await freshInvoice()).id, { description: "Cartons arrived crushed" });
    ok(await postDisputeMessage(agent, { disputeId: opened.disputeId, body: "Carrier's fault, internal only", files: [{ ...pdf, filename: "internal.pdf" }], kind: "internal_note" }));
    const payerView = ok(await getDispute(pat, opened.disputeId));
    expect(JSON.stringify(payerView)).not.toContain("internal only");
    expect(JSON.stringify(payerView)).not.toContain("internal.pdf");
    expect((await staffView(opened.disputeId)).messages.some((m) => m.visibility === "internal")).toBe(true);
    const [internalFile] = await db.select().from(attachments).where(and(eq(attachments.disputeId, opened.disputeId), eq(attachments.filename, "internal.pdf")));
    expect(await getAttachment(pat, internalFile!.id)).toMatchObject({ kind: "not_found" });
    expect(isProblem(await getAttachment(agent, internalFile!.id))).toBe(false);
    expect(await getDispute(olivia, opened.disputeId)).toMatchObject({ kind: "not_found", message: "Dispute not found." });
    expect(await postDisputeMessage(olivia, { disputeId: opened.disputeId, body: "let me in", files: [] })).toMatchObject({ kind: "not_found" });
  });

  it("asking for information waits on the customer; the payer's answer puts it back in review", async () => {
    const opened = await open((await freshInvoice()).id, { reason: "not_received", description: "Never arrived at our dock" });
    ok(await postDisputeMessage(agent, { disputeId: opened.disputeId, body: "Please send the PO receipt", files: [], kind: "info_request" }));
    let d = await staffView(opened.disputeId);
    expect(d.status).toBe("waiting_on_customer");
    expect(d.firstRespondedAt).not.toBeNull();
    ok(await postDisputeMessage(pat, { disputeId: opened.disputeId, body: "Here it is", files: [{ filename: "receipt.png", contentType: "image/png", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]) }] }));
    d = await staffView(opened.disputeId);
    expect(d.status).toBe("in_review");
    const changes = await db.select().from(events).where(and(eq(events.subjectId, opened.disputeId), eq(events.type, "dispute.status_changed")));
    expect(changes.map((e) => e.data)).toEqual([
      { from: "open", to: "waiting_on_customer" },
      { from: "waiting_on_customer", to: "in_review" },
    ]);
  });
});

describe("moving between statuses", () => {
  it("only moves the policy allows, only by staff, and a stale read cannot move a dispute twice", async () => {
    const opened = await open((await freshInvoice()).id);
    expect(await moveDispute(pat, { disputeId: opened.disputeId, to: "in_review" })).toMatchObject({ kind: "forbidden" });
    expect(await moveDispute(agent, { disputeId: opened.disputeId, to: "resolved" })).toMatchObject({ kind: "conflict", message: "A dispute that is open cannot be moved to resolved." });
    expect(await moveDispute(agent, { disputeId: opened.disputeId, to: "in_review" })).toEqual({ status: "in_review" });
    expect((await staffView(opened.disputeId)).messages.at(-1)!.body).toBe("Status changed to In review.");

    // Read as "in review", then withdrawn by the payer: the stale move matches no row.
    const [stale] = await db.select().from(disputes).where(eq(disputes.id, opened.disputeId));
    ok(await withdrawDispute(pat, { disputeId: opened.disputeId }));
    const raced = await db.transaction((tx) => transitionDispute(tx, agent, stale!, { trigger: "move", to: "waiting_on_customer" }));
    expect(raced).toMatchObject({ kind: "conflict", message: "The dispute changed meanwhile. Reload the page and try again." });
    expect((await staffView(opened.disputeId)).status).toBe("withdrawn");
    expect(await moveDispute(agent, { disputeId: opened.disputeId, to: "open" })).toMatchObject({ kind: "conflict", message: "A dispute that is withdrawn cannot be moved to open." });
  });
});

describe("assigning and free text", () => {
  it("refuses an assignee id that names no one (too long, unknown, a payer) instead of unassigning", async () => {
    const opened = await open((await freshInvoice()).id);
    expect(await assignDispute(agent, { disputeId: opened.disputeId, assigneeUserId: agent.userId })).toEqual({ assigneeUserId: agent.userId });
    for (const assigneeUserId of [`${agent.userId}${"x".repeat(40)}`, "usr_does_not_exist", pat.userId, " "]) {
      expect(await assignDispute(agent, { disputeId: opened.disputeId, assigneeUserId }), assigneeUserId).toMatchObject({ kind: "invalid", message: "Choose a member of the AR team.", fields: { assignee: "Choose a member of the AR team." } });
      expect((await staffView(opened.disputeId)).assigneeUserId).toBe(agent.userId);
    }
    // Unassigning is said explicitly (null), and works; a payer cannot assign.
    expect(await assignDispute(agent, { disputeId: opened.disputeId, assigneeUserId: null })).toEqual({ assigneeUserId: null });
    expect((await staffView(opened.disputeId)).assigneeUserId).toBeNull();
    expect(await assignDispute(pat, { disputeId: opened.disputeId, assigneeUserId: pat.userId })).toMatchObject({ kind: "forbidden" });
  });

  it("refuses control and bidi characters in descriptions and messages, keeping line breaks", async () => {
    const inv = await freshInvoice();
    const bad = await openDispute(pat, { invoiceId: inv.id, reason: "not_received", description: "Never arrived \u202Eat our dock", amount: null, lineIds: [], files: [] });
    expect(bad).toMatchObject({ kind: "invalid", fields: { description: expect.stringMatching(/control characters/) } });
    const opened = await open(inv.id, { description: "Never arrived\r\n\tat our dock" });
    for (const body of ["Paid \u202E0001 ,ecnerefer", "Bell\u0007", "Isolate \u2066x\u2069"]) {
      expect(await postDisputeMessage(pat, { disputeId: opened.disputeId, body, files: [] }), JSON.stringify(body)).toMatchObject({ kind: "invalid", message: expect.stringMatching(/control characters/) });
    }
    expect(await postDisputeMessage(pat, { disputeId: opened.disputeId, body: "Line one\nLine two — שלום", files: [] })).toEqual({ disputeId: opened.disputeId });
  });
});

describe("resolution", () => {
  it("a partial credit lowers the balance by exactly the credit and releases the hold", async () => {
    const inv = await freshInvoice();
    const opened = await open(inv.id, { reason: "pricing_error", description: "Price above contract", amount: 1000 });
    expect(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "credit", creditAmount: "10.01", note: "Too much" })).toMatchObject({
      kind: "invalid",
      fields: { creditAmount: "The credit can be at most the disputed USD 10.00." },
    });
    expect(await resolveDispute(pat, { disputeId: opened.disputeId, outcome: "credit", creditAmount: "4.00", note: "Crediting myself" })).toMatchObject({ kind: "forbidden" });
    expect(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "credit", creditAmount: "4.00", note: "Contract price applied" })).toEqual({ disputeId: opened.disputeId, creditedAmount: 400 });
    const after = await invoice(inv.id);
    expect(after.balance).toBe(inv.balance - 400);
    expect(after.amountCredited).toBe(inv.amountCredited + 400);
    expect(after.amountDisputed).toBe(0);
    expect(await db.select().from(creditMemos).where(eq(creditMemos.disputeId, opened.disputeId))).toHaveLength(1);
    const types = (await db.select().from(events).where(sql`${events.data}->>'disputeId' = ${opened.disputeId} or ${events.subjectId} = ${opened.disputeId}`)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["dispute.opened", "dispute.resolved", "credit_memo.created", "dispute.status_changed"]));
    expect(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "reject", note: "again" })).toMatchObject({ kind: "conflict", message: "This dispute is already closed." });
  });

  it("crediting the whole balance pays the invoice", async () => {
    const inv = await freshInvoice();
    const opened = await open(inv.id, { description: "Billed twice for the same order" });
    ok(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "credit", creditAmount: (inv.balance / 100).toFixed(2), note: "Duplicate removed" }));
    expect(await invoice(inv.id)).toMatchObject({ status: "paid", balance: 0, amountDisputed: 0 });
  });

  it("a credit needs an amount the agent typed: an empty amount credits nothing and keeps the dispute open", async () => {
    const inv = await freshInvoice();
    const opened = await open(inv.id, { reason: "pricing_error", description: "Price above contract", amount: 1000 });
    for (const typed of ["", "   ", "0", "abc"]) {
      const message = typed.trim() === "" ? "Type the amount to credit, up to the disputed USD 10.00." : "Enter the credit amount, like 10.00.";
      expect(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "credit", creditAmount: typed, note: "Contract price applied" }), JSON.stringify(typed)).toMatchObject({
        kind: "invalid",
        message,
        fields: { creditAmount: message },
      });
    }
    expect(await invoice(inv.id)).toMatchObject({ amountCredited: inv.amountCredited, amountDisputed: 1000 });
    expect(await db.select().from(creditMemos).where(eq(creditMemos.disputeId, opened.disputeId))).toHaveLength(0);
    expect((await staffView(opened.disputeId)).status).toBe("open");
  });

  it("a rejection needs an explanation and makes the amount payable again; so does a withdrawal", async () => {
    const inv = await freshInvoice();
    const opened = await open(inv.id, { description: "We paid this already" });
    expect(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "reject", note: "" })).toMatchObject({ kind: "invalid", fields: { rejectNote: expect.any(String) } });
    expect(await resolveDispute(agent, { disputeId: opened.disputeId, outcome: "reject", note: "No payment on record" })).toEqual({ disputeId: opened.disputeId, creditedAmount: 0 });
    expect(payableAmount(await invoice(inv.id))).toBe(inv.balance);

    const inv2 = await freshInvoice();
    const second = await open(inv2.id, { description: "Changed my mind later" });
    expect(await withdrawDispute(olivia, { disputeId: second.disputeId })).toMatchObject({ kind: "not_found" });
    expect(await withdrawDispute(agent, { disputeId: second.disputeId })).toMatchObject({ kind: "not_found" });
    expect(await withdrawDispute(pat, { disputeId: second.disputeId })).toEqual({ disputeId: second.disputeId });
    expect((await invoice(inv2.id)).amountDisputed).toBe(0);
    expect(await withdrawDispute(pat, { disputeId: second.disputeId })).toMatchObject({ kind: "conflict", message: "This dispute is already closed." });
  });
});

describe("the triage queue", () => {
  it("puts SLA breaches first and filters by them; only the AR team sees it", async () => {
    // One dispute past its first-response due date, one within it.
    const late = await open((await freshInvoice()).id, { description: "Nobody answered us" });
    await db.update(disputes).set({ firstResponseDueAt: new Date(Date.now() - 86_400_000) }).where(eq(disputes.id, late.disputeId));
    await open((await freshInvoice()).id, { description: "Just opened this one" });

    const list = ok(await listDisputeQueue(agent, queueQuery.parse({ status: "all" })));
    const firstNonBreached = list.rows.findIndex((r) => !r.breached);
    expect(firstNonBreached).toBeGreaterThan(0);
    expect(list.rows.slice(firstNonBreached).some((r) => r.breached)).toBe(false);
    const breached = ok(await listDisputeQueue(agent, queueQuery.parse({ sla: "breached" })));
    expect(breached.rows.map((r) => r.id)).toContain(late.disputeId);
    expect(breached.rows.every((r) => r.breached)).toBe(true);
    expect(breached.total).toBe(list.breachedCount);
    expect(await listDisputeQueue(pat, queueQuery.parse({}))).toMatchObject({ kind: "forbidden" });
  });
});
