import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readUploadForm } from "./read-upload-form.server";

const MiB = 1024 * 1024;
const url = "http://localhost:3999/disputes/new";

function pdf(size = 64): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(randomBytes(size));
  bytes.set(Buffer.from("%PDF-1.7\n"));
  return bytes;
}
const png = (): Uint8Array<ArrayBuffer> => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(100)]);

function post(entries: Array<[string, string | File]>): Request {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return new Request(url, { method: "POST", body: form });
}

/** A Request whose body streams in chunks with no Content-Length, like a chunked upload. */
function streamed(chunks: Uint8Array[], headers: Record<string, string>): Request {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; text: string }> {
  const thrown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(thrown instanceof Response)) throw new Error(`expected a Response, got ${String(thrown)}`);
  return { status: thrown.status, text: await thrown.text() };
}

describe("readUploadForm", () => {
  it("keeps every field when a file is rejected, and checks each file", async () => {
    const good = pdf(5000);
    const form = await readUploadForm(
      post([
        ["reason", "damaged_goods"],
        ["files", new File([good], "delivery note.pdf", { type: "application/pdf" })],
        ["files", new File([Buffer.from("MZ\x90\x00 not a pdf", "latin1")], "evidence.pdf", { type: "application/pdf" })],
        ["files", new File([Buffer.from("<script>alert(1)</script>")], "page.html", { type: "text/html" })],
        ["description", "Two pallets arrived crushed. Prix: 1 200 €"],
      ]),
    );
    expect(form.fields).toEqual({ reason: "damaged_goods", description: "Two pallets arrived crushed. Prix: 1 200 €" });
    expect(form.files).toEqual([{ filename: "delivery note.pdf", contentType: "application/pdf", bytes: Buffer.from(good) }]);
    expect(form.rejected).toEqual([
      { filename: "evidence.pdf", message: `"evidence.pdf" does not look like a real PDF file (its contents are of another type).` },
      { filename: "page.html", message: `"page.html" is not a PDF, PNG or JPEG file.` },
    ]);
  });

  it("rejects an oversized file without keeping it, and reads what follows it intact", async () => {
    const exact = pdf(MiB);
    const after = png();
    const form = await readUploadForm(
      post([
        ["files", new File([exact], "exactly-1mb.pdf")],
        ["files", new File([pdf(3 * MiB)], "huge.pdf")],
        ["files", new File([after], "after.png")],
        ["note", "still here"],
      ]),
      { maxFileBytes: MiB },
    );
    expect(form.rejected).toEqual([{ filename: "huge.pdf", message: `"huge.pdf" is larger than 1 MB.` }]);
    expect(form.files.map((f) => f.filename)).toEqual(["exactly-1mb.pdf", "after.png"]);
    expect(form.files[0]!.bytes.equals(exact)).toBe(true);
    expect(form.files[1]!.bytes.equals(after)).toBe(true);
    expect(form.fields).toEqual({ note: "still here" });
  });

  it("takes 5 files and refuses the 6th with a message", async () => {
    const files = Array.from({ length: 6 }, (_, i) => ["files", new File([pdf()], `page-${i + 1}.pdf`)] as [string, File]);
    const form = await readUploadForm(post([["invoiceId", "inv_1"], ...files]));
    expect(form.files.map((f) => f.filename)).toEqual(["page-1.pdf", "page-2.pdf", "page-3.pdf", "page-4.pdf", "page-5.pdf"]);
    expect(form.rejected).toEqual([{ filename: "page-6.pdf", message: `"page-6.pdf" was not attached. You can attach at most 5 files at a time.` }]);
    expect(form.fields).toEqual({ invoiceId: "inv_1" });
  });

  it("ignores a file input left empty, but refuses an empty file that has a name", async () => {
    const form = await readUploadForm(
      post([
        ["files", new File([], "", { type: "application/octet-stream" })],
        ["files", new File([], "blank.pdf")],
        ["description", "no evidence yet"],
      ]),
    );
    expect(form.files).toEqual([]);
    expect(form.rejected).toEqual([{ filename: "blank.pdf", message: `"blank.pdf" is empty.` }]);
    expect(form.fields).toEqual({ description: "no evidence yet" });

    // Exactly what a browser sends for a file input with nothing chosen.
    const boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="reason"\r\n\r\nother`,
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n`,
      `--${boundary}--\r\n`,
    ].join("\r\n");
    const browser = await readUploadForm(new Request(url, { method: "POST", headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` }, body }));
    expect(browser).toEqual({ fields: { reason: "other" }, files: [], rejected: [] });
  });

  it("cleans file names, and refuses a file sent under another field", async () => {
    const form = await readUploadForm(post([["files", new File([pdf()], "..\\..\\C:\\temp\\\u0007x.pdf")]]));
    expect(form.files.map((f) => f.filename)).toEqual(["x.pdf"]);
    expect(form.rejected).toEqual([]);
    const other = readUploadForm(post([["files", new File([pdf()], "x.pdf")], ["avatar", new File([png()], "me.png")]]));
    expect(await refusal(other)).toEqual({ status: 400, text: expect.stringContaining('file in the field "avatar"') });
  });

  it("cuts a text field at 20,000 characters", async () => {
    const form = await readUploadForm(post([["description", "é".repeat(30_000)]]));
    expect(form.fields.description).toBe("é".repeat(20_000));
  });

  it("answers 413 before reading a body whose Content-Length is over the cap", async () => {
    const request = new Request(url, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(5 * 10 * MiB + MiB + 1) },
      body: "--x--\r\n",
    });
    const { status, text } = await refusal(readUploadForm(request));
    expect(status).toBe(413);
    expect(text).toBe("This upload is too large. You can attach at most 5 files of up to 10 MB each.");
    expect(request.bodyUsed).toBe(false);
  });

  it("answers 413 when a body without (or lying about) its length streams past the cap", async () => {
    const boundary = "----cap";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-`);
    const chunks = () => [head, ...Array.from({ length: 40 }, () => new Uint8Array(64 * 1024))]; // 2.5 MiB, never terminated
    const headers = { "Content-Type": `multipart/form-data; boundary=${boundary}` };
    const options = { maxFiles: 1, maxFileBytes: 512 * 1024 }; // cap: 1.5 MiB
    expect((await refusal(readUploadForm(streamed(chunks(), headers), options))).status).toBe(413);
    expect((await refusal(readUploadForm(streamed(chunks(), { ...headers, "Content-Length": "100" }), options))).status).toBe(413);
  });

  it("answers 415 for a body that is not multipart, and 400 for multipart it cannot read", async () => {
    const json = new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    const refused = await refusal(readUploadForm(json));
    expect(refused).toEqual({ status: 415, text: expect.stringContaining("multipart/form-data, not application/json") });
    const noBoundary = new Request(url, { method: "POST", headers: { "Content-Type": "multipart/form-data" }, body: "--x\r\n" });
    expect(await refusal(readUploadForm(noBoundary))).toEqual({ status: 400, text: expect.stringContaining("no boundary") });
    const truncated = new Request(url, { method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=x" }, body: '--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nhel' });
    expect((await refusal(readUploadForm(truncated))).status).toBe(400);
    // A file where text belongs is refused, not read as an empty field.
    expect(await refusal(readUploadForm(post([["amount", new File([pdf()], "a.pdf")]])))).toEqual({ status: 400, text: expect.stringContaining('file in the field "amount"') });
    // NUL is never valid text (and PostgreSQL cannot store it).
    expect(await refusal(readUploadForm(post([["body", "a\u0000b"]])))).toEqual({ status: 400, text: expect.stringContaining("NUL") });
    // Remix's parser cannot read a part whose file name contains ";" or "=" (browsers send them raw).
    expect((await refusal(readUploadForm(post([["files", new File([pdf()], "a=b.pdf")]])))).status).toBe(400);
  });
});

describe("text PostgreSQL cannot store", () => {
  it("refuses U+0000 in a text field with a 400 naming the field", async () => {
    const { status, text } = await refusal(readUploadForm(post([["intent", "reply"], ["body", "hello\u0000there"]])));
    expect(status).toBe(400);
    expect(text).toBe('The form field "body" contains a NUL character (U+0000), which cannot be stored. Remove it and try again.');
  });
});
