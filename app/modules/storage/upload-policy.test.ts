import { describe, expect, it } from "vitest";
import { isProblem } from "~/utils/problem";
import { checkFile, contentDisposition, MAX_FILE_BYTES, safeFilename } from "./upload-policy";

const PDF = Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
const EXE = Buffer.from("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode", "latin1");

describe("checkFile", () => {
  it.each([
    ["invoice.pdf", PDF, "application/pdf", "pdf"],
    ["Photo.PNG", PNG, "image/png", "png"],
    ["scan.jpg", JPEG, "image/jpeg", "jpg"],
    ["scan.jpeg", JPEG, "image/jpeg", "jpeg"],
  ])("accepts %s", (filename, bytes, contentType, extension) => {
    expect(checkFile({ filename, bytes })).toEqual({ filename, contentType, extension });
  });

  it("refuses an executable renamed .pdf, and a PNG renamed .pdf", () => {
    expect(checkFile({ filename: "scan.pdf", bytes: EXE })).toMatchObject({
      kind: "invalid",
      message: `"scan.pdf" does not look like a real PDF file (its contents are of another type).`,
      fields: { files: `"scan.pdf" does not look like a real PDF file (its contents are of another type).` },
    });
    expect(isProblem(checkFile({ filename: "photo.pdf", bytes: PNG }))).toBe(true);
    expect(isProblem(checkFile({ filename: "photo.jpg", bytes: PNG }))).toBe(true);
  });

  it.each([
    ["invoice.exe", EXE],
    ["page.html", Buffer.from("<html><script>alert(1)</script></html>")],
    ["logo.svg", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ["statement.csv", Buffer.from("=HYPERLINK(\"http://evil\")\n")],
    ["no-extension", PDF],
    ["pdf", PDF],
  ])("refuses %s whatever its contents", (filename, bytes) => {
    expect(checkFile({ filename, bytes })).toMatchObject({ kind: "invalid", message: `"${filename}" is not a PDF, PNG or JPEG file.` });
  });

  it("refuses an empty file and one over 10 MiB", () => {
    expect(checkFile({ filename: "empty.pdf", bytes: Buffer.alloc(0) })).toMatchObject({ kind: "invalid", message: `"empty.pdf" is empty.` });
    const big = Buffer.alloc(MAX_FILE_BYTES + 1);
    PNG.copy(big);
    expect(checkFile({ filename: "photo.png", bytes: big })).toMatchObject({ kind: "invalid", message: `"photo.png" is larger than 10 MB.` });
    expect(isProblem(checkFile({ filename: "photo.png", bytes: big.subarray(0, MAX_FILE_BYTES) }))).toBe(false);
  });

  it("checks the cleaned name, not the raw one", () => {
    expect(checkFile({ filename: "../../etc/passwd.pdf", bytes: PDF })).toEqual({ filename: "passwd.pdf", contentType: "application/pdf", extension: "pdf" });
    // A right-to-left override makes "x\u202Efdp.exe" look like "xexe.pdf"; once removed it is an .exe.
    expect(isProblem(checkFile({ filename: "x\u202Efdp.exe", bytes: PDF }))).toBe(true);
  });
});

describe("safeFilename", () => {
  it.each([
    ["../../etc/passwd.pdf", "passwd.pdf"],
    ["C:\\temp\\x.pdf", "x.pdf"],
    ["in\u0000voi\nce\r\t.pdf", "invoice.pdf"],
    ["\u0007bell\u007f\u009b.png", "bell.png"],
    ["...hidden.pdf", "hidden.pdf"],
    ["  my    scanned\u00a0 invoice .pdf  ", "my scanned invoice .pdf"],
    ["report.pdf. . ", "report.pdf"],
    ["", "file"],
    ["../", "file"],
    ["\u0001\u0002", "file"],
    ["...", "file"],
    ["Rechnung ü.pdf".normalize("NFD"), "Rechnung ü.pdf"],
  ])("%j → %j", (raw, safe) => {
    expect(safeFilename(raw)).toBe(safe);
  });

  it("limits the name to 120 characters and keeps the extension", () => {
    const safe = safeFilename(`${"a".repeat(300)}.pdf`);
    expect(safe).toHaveLength(120);
    expect(safe.endsWith("a.pdf")).toBe(true);
    const emoji = safeFilename(`${"😀".repeat(200)}.jpeg`);
    expect(Array.from(emoji)).toHaveLength(120);
    expect(emoji.endsWith("😀.jpeg")).toBe(true);
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact UTF-8 name", () => {
    expect(contentDisposition("Facture été 2026 €.pdf")).toBe(
      `attachment; filename="Facture ete 2026 _.pdf"; filename*=UTF-8''Facture%20%C3%A9t%C3%A9%202026%20%E2%82%AC.pdf`,
    );
  });

  it("never lets quotes, backslashes or line breaks break out of the header", () => {
    const header = contentDisposition('my "quoted"\\name\r\nSet-Cookie: x=1.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(header).toContain(`filename="nameSet-Cookie: x=1.pdf"`); // the part before \ is a "directory": dropped
    expect(contentDisposition(`it's (final)*.pdf`)).toBe(`attachment; filename="it's (final)*.pdf"; filename*=UTF-8''it%27s%20%28final%29%2A.pdf`);
    expect(contentDisposition(`"q".pdf`)).toContain(`filename="q.pdf"; filename*=UTF-8''%22q%22.pdf`);
  });

  it("round-trips a unicode name through the RFC 5987 encoding", () => {
    const name = "請求書 #42 — 😀.png";
    const encoded = /filename\*=UTF-8''(.+)$/.exec(contentDisposition(name))![1]!;
    expect(decodeURIComponent(encoded)).toBe(name);
    expect(contentDisposition("100%.pdf")).toContain(`filename="100_.pdf"`);
  });
});
