import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachments, disputes } from "#db/schema/disputes";
import { startS3Server } from "../../../test/s3-server";
import type { testData } from "../../../test/helpers";
import type { Db } from "~/db.server";
import type { PayerActor, StaffActor } from "~/modules/auth/actor";
import type { isProblem } from "~/utils/problem";
import type { getAttachment } from "./get-attachment.server";
import type { openDispute } from "./open-dispute.server";
import type { postDisputeMessage } from "./post-message.server";

/**
 * Dispute files with ATTACHMENT_STORAGE=s3 against a local S3 server, through the real use cases:
 * a file lands in the bucket and downloads as a stream; a rolled-back upload leaves no object.
 */
let s3: Awaited<ReturnType<typeof startS3Server>>;
let client: S3Client;
// Imported in beforeAll, once the configuration says s3 (type imports are erased).
let app: { db: Db; openDispute: typeof openDispute; postDisputeMessage: typeof postDisputeMessage; getAttachment: typeof getAttachment; isProblem: typeof isProblem };
let make: Awaited<ReturnType<typeof testData>>;
let pat: PayerActor;
let agent: StaffActor;
let patsAccount: Parameters<typeof make.invoice>[0];

const pdf = (text: string) => ({ filename: "delivery-note.pdf", contentType: "application/pdf", bytes: Buffer.from(`%PDF-1.4\n% ${text}\n`) });
const objectKeys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!).sort();

beforeAll(async () => {
  s3 = await startS3Server();
  client = new S3Client({ region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials: { ...s3.credentials } });
  // Before any app module reads the configuration (it is read once, on first use).
  Object.assign(process.env, { ATTACHMENT_STORAGE: "s3", ...s3.env });
  app = {
    db: (await import("~/db.server")).db,
    openDispute: (await import("./open-dispute.server")).openDispute,
    postDisputeMessage: (await import("./post-message.server")).postDisputeMessage,
    getAttachment: (await import("./get-attachment.server")).getAttachment,
    isProblem: (await import("~/utils/problem")).isProblem,
  };
  make = await (await import("../../../test/helpers")).testData();
  const payer = await make.payer();
  patsAccount = payer.accounts[0]!;
  pat = { kind: "payer", userId: payer.user.id, ip: null };
  agent = { kind: "staff", userId: (await make.staff()).id, role: "ar_agent", ip: null };
});
afterAll(() => s3?.stop());

describe("dispute files in S3", () => {
  it("stores an uploaded file as an object under its storage key and streams it back to the payer and staff", async () => {
    const invoice = await make.invoice(patsAccount, { total: 100_00 });
    const opened = await app.openDispute(pat, { invoiceId: invoice.id, reason: "other", description: "Crushed cartons", amount: null, lineIds: [], files: [pdf("opened")] });
    if (app.isProblem(opened)) throw new Error(opened.message);
    const [row] = await app.db.select().from(attachments).where(eq(attachments.disputeId, opened.disputeId));
    expect(await objectKeys()).toContain(row!.storageKey);
    for (const reader of [pat, agent]) {
      const file = await app.getAttachment(reader, row!.id);
      if (app.isProblem(file)) throw new Error(file.message);
      expect(file).toMatchObject({ filename: "delivery-note.pdf", contentType: "application/pdf", size: pdf("opened").bytes.length });
      expect(Buffer.from(await new Response(file.body).arrayBuffer()).equals(pdf("opened").bytes)).toBe(true);
    }
  });

  it("leaves no object when the dispute's transaction rolls back after the file was stored", async () => {
    const invoice = await make.invoice(patsAccount, { total: 100_00 });
    const before = await objectKeys();
    // The file is put first; its attachments row then fails (PostgreSQL cannot store U+0000 in text).
    const broken = { ...pdf("rolled back"), filename: "delivery\u0000note.pdf" };
    await expect(app.openDispute(pat, { invoiceId: invoice.id, reason: "other", description: "Crushed cartons", amount: null, lineIds: [], files: [pdf("first file"), broken] })).rejects.toThrow();
    expect(await app.db.select().from(disputes).where(eq(disputes.invoiceId, invoice.id))).toEqual([]);
    expect(await objectKeys()).toEqual(before);

    // The same through a message on an open dispute.
    const opened = await app.openDispute(pat, { invoiceId: invoice.id, reason: "other", description: "Crushed cartons", amount: null, lineIds: [], files: [] });
    if (app.isProblem(opened)) throw new Error(opened.message);
    await expect(app.postDisputeMessage(agent, { disputeId: opened.disputeId, body: "Photos attached", files: [pdf("note"), broken], kind: "internal_note" })).rejects.toThrow();
    expect(await objectKeys()).toEqual(before);
  });
});
