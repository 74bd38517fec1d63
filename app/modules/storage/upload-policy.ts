/**
 * What payers may upload as dispute evidence, and how file names are made safe. Pure: used by
 * the server to check files and by the UI to show the limits.
 *
 * Only PDF, PNG and JPEG are allowed, each recognised by BOTH its extension and its first bytes.
 * CSV and XLSX are deliberately left out: a CSV has no magic bytes (any text passes as CSV) and
 * can carry spreadsheet formula injection (`=HYPERLINK(…)`) that runs when AR staff open it; an
 * XLSX is a zip archive, indistinguishable by its magic bytes from any other zip.
 */

import { invalidField, type Problem } from "~/utils/problem";

const MiB = 1024 * 1024;
export const MAX_FILE_BYTES = 10 * MiB;
export const MAX_FILES_PER_UPLOAD = 5;
export const MAX_FILES_PER_DISPUTE = 20;
export const MAX_BYTES_PER_DISPUTE = 50 * MiB;

type AllowedType = { label: string; contentType: string; extensions: readonly string[]; magic: readonly number[] };

export const ALLOWED_TYPES: readonly AllowedType[] = [
  { label: "PDF", contentType: "application/pdf", extensions: ["pdf"], magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
  { label: "PNG", contentType: "image/png", extensions: ["png"], magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { label: "JPEG", contentType: "image/jpeg", extensions: ["jpg", "jpeg"], magic: [0xff, 0xd8, 0xff] },
];

/** For `<input accept>`: a hint to the browser only; the server checks every file itself. */
export const ACCEPT_ATTRIBUTE = ALLOWED_TYPES.flatMap((t) => [t.contentType, ...t.extensions.map((e) => `.${e}`)]).join(",");

const MAX_NAME_CHARS = 120;

/**
 * A file name that is safe to store and show: no directory part, no control or bidi characters
 * (U+202E can disguise "evil\u202Efdp.exe" as "evilexe.pdf"), no leading dots, single spaces,
 * at most 120 characters with the extension kept. Never empty.
 */
export function safeFilename(raw: string): string {
  const name = (raw.split(/[/\\]/).pop() ?? "")
    .normalize("NFC")
    // Lone surrogates would make encodeURIComponent throw later.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, ""); // Windows drops trailing dots and spaces: "x.pdf." would open as "x.pdf"
  const chars = Array.from(name); // by code point, so an emoji is never cut in half
  if (chars.length > MAX_NAME_CHARS) {
    const ext = /\.[^.\s]{1,10}$/.exec(name)?.[0] ?? "";
    return chars.slice(0, MAX_NAME_CHARS - ext.length).join("").trimEnd() + ext;
  }
  return name || "file";
}

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : "";
}

/** "10 MB", "512 KB": how limits are shown to payers. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

export function fileTooLargeMessage(filename: string, maxBytes = MAX_FILE_BYTES): string {
  return `"${filename}" is larger than ${formatBytes(maxBytes)}.`;
}

const allowedList = `${ALLOWED_TYPES.slice(0, -1)
  .map((t) => t.label)
  .join(", ")} or ${ALLOWED_TYPES.at(-1)!.label}`; // "PDF, PNG or JPEG"

/** An accepted file: its safe name and the content type its bytes prove. */
export type AcceptedFileType = { filename: string; contentType: string; extension: string };

/**
 * Accepts a file only when its extension and its first bytes both say the same allowed type.
 * The content type comes from that type, never from what the browser claimed.
 */
export function checkFile({ filename, bytes, maxBytes = MAX_FILE_BYTES }: { filename: string; bytes: Uint8Array; maxBytes?: number }): AcceptedFileType | Problem {
  const refuse = (message: string) => invalidField("files", message);
  const name = safeFilename(filename);
  const extension = extensionOf(name);
  const type = ALLOWED_TYPES.find((t) => t.extensions.includes(extension));
  if (!type) return refuse(`"${name}" is not a ${allowedList} file.`);
  if (bytes.byteLength === 0) return refuse(`"${name}" is empty.`);
  if (bytes.byteLength > maxBytes) return refuse(fileTooLargeMessage(name, maxBytes));
  if (!type.magic.every((byte, i) => bytes[i] === byte)) return refuse(`"${name}" does not look like a real ${type.label} file (its contents are of another type).`);
  return { filename: name, contentType: type.contentType, extension };
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback name and the exact UTF-8 name
 * (RFC 6266, RFC 5987), so every browser downloads the file under its own name and never
 * shows it inline.
 */
export function contentDisposition(filename: string): string {
  const name = safeFilename(filename);
  const fallback =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "") // "é" → "e"
      .replace(/["\\]/g, "")
      .replace(/[^\x20-\x7e]|%/g, "_") || "file"; // % too: some browsers percent-decode filename=
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
