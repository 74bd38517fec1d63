import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { assertFormContentType, formRefusal } from "~/utils/read-form.server";
import { hasNul, NUL_MESSAGE } from "~/utils/nul";
import { isProblem } from "~/utils/problem";
import { checkFile, fileTooLargeMessage, formatBytes, MAX_FILE_BYTES, MAX_FILES_PER_UPLOAD, safeFilename } from "./upload-policy";

const MiB = 1024 * 1024;
const MAX_TEXT_CHARS = 20_000;
const MAX_TEXT_BYTES = MAX_TEXT_CHARS * 4; // UTF-8 needs at most 4 bytes a character

export type UploadedFile = { filename: string; contentType: string; bytes: Buffer };
export type RejectedFile = { filename: string; message: string };
export type UploadForm = { fields: Record<string, string>; files: UploadedFile[]; rejected: RejectedFile[] };

/** The whole body of an upload form: every file at its limit, plus room for the text fields and multipart framing. */
export const uploadBodyLimit = (maxFiles = MAX_FILES_PER_UPLOAD, maxFileBytes = MAX_FILE_BYTES) => maxFiles * maxFileBytes + MiB;
/** What the HTTP edge lets through to the evidence routes (their default limits). */
export const UPLOAD_BODY_LIMIT = uploadBodyLimit();

export type UploadFormOptions = { fileField?: string; maxFiles?: number; maxFileBytes?: number };

/**
 * Reads a multipart form with files, streaming: at most `maxFileBytes` (plus one chunk) of each
 * file is held in memory, and the whole body is capped. Files that break the policy come back in
 * `rejected` with a message for the payer, and the other fields are kept, so nothing else the
 * payer typed is lost. Throws a 413 Response when the body is over the hard cap, a 415 when it is
 * not multipart at all, and a 400 Response when it is not a readable multipart form or a text
 * field holds U+0000.
 */
export async function readUploadForm(request: Request, options: UploadFormOptions = {}): Promise<UploadForm> {
  const { fileField = "files", maxFiles = MAX_FILES_PER_UPLOAD, maxFileBytes = MAX_FILE_BYTES } = options;
  const hardCap = uploadBodyLimit(maxFiles, maxFileBytes);
  const tooLarge = () =>
    plainResponse(413, `This upload is too large. You can attach at most ${maxFiles} files of up to ${formatBytes(maxFileBytes)} each.`);

  assertFormContentType(request, ["multipart/form-data"]);
  // Refuse an announced oversize body before reading any of it.
  if (Number(request.headers.get("Content-Length")) > hardCap) throw tooLarge();
  if (!request.body) throw plainResponse(400, "The form could not be read. Please try again.");

  // Count every byte of the body (files, fields, framing) as it streams; a body without
  // Content-Length, or one that lies about it, is cut off at the same cap.
  let received = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > hardCap) throw tooLarge();
        controller.enqueue(chunk);
      },
    }),
  );
  // `duplex` is required by Node for a streamed body but missing from the DOM types.
  const init = { method: request.method, headers: request.headers, body: counted, duplex: "half" } as RequestInit;

  const form: UploadForm = { fields: {}, files: [], rejected: [] };
  let fileCount = 0;

  const handler: UploadHandler = async ({ name, filename = "", data }) => {
    if (name !== fileField) {
      // A file where text belongs would read as an empty field, and an empty field can mean
      // something (no amount = the whole balance): refuse the form instead.
      if (filename) {
        await collect(data, 0);
        throw plainResponse(400, `The form has a file in the field "${name.slice(0, 40)}", where text was expected. Reload the page and submit the form again.`);
      }
      form.fields[name] = await readText(data);
      // No browser sends U+0000 from a text box; PostgreSQL could not store it (a 500 before).
      if (hasNul(name) || hasNul(form.fields[name] ?? "")) throw plainResponse(400, `The form field "${name.replace(/[^\w-]/g, "")}" ${NUL_MESSAGE}. Remove it and try again.`);
      return undefined;
    }

    const hasRoom = fileCount < maxFiles;
    const { size, bytes } = await collect(data, hasRoom ? maxFileBytes : 0);
    // A file input left empty: browsers send an empty part with filename="" (undici: no filename).
    if (!filename && size === 0) return undefined;
    fileCount++;
    const display = safeFilename(filename);
    if (!hasRoom) {
      form.rejected.push({ filename: display, message: `"${display}" was not attached. You can attach at most ${maxFiles} files at a time.` });
    } else if (!bytes) {
      form.rejected.push({ filename: display, message: fileTooLargeMessage(display, maxFileBytes) });
    } else {
      const check = checkFile({ filename: display, bytes, maxBytes: maxFileBytes });
      if (isProblem(check)) form.rejected.push({ filename: display, message: check.message });
      else form.files.push({ filename: check.filename, contentType: check.contentType, bytes });
    }
    return undefined; // everything is collected in `form`; Remix's FormData stays empty
  };

  try {
    await unstable_parseMultipartFormData(new Request(request.url, init), handler);
  } catch (error) {
    if (error instanceof Response) throw error;
    // Not multipart, truncated, or a part header the parser cannot read: Remix's parser splits
    // Content-Disposition on ";" and "=", so a file named "a=b.pdf" or "a;b.pdf" lands here.
    throw plainResponse(400, `The form could not be read. If a file's name contains ";" or "=", rename the file and try again.`);
  }
  return form;
}

/**
 * Reads a part, keeping at most `limit` bytes: once over it, drops what it had and drains the
 * rest (the parser would otherwise buffer an unread part). `bytes` is null when over the limit.
 */
async function collect(data: AsyncIterable<Uint8Array>, limit: number): Promise<{ size: number; bytes: Buffer | null }> {
  let chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size <= limit) chunks.push(chunk);
    else chunks = [];
  }
  return { size, bytes: size <= limit ? Buffer.concat(chunks) : null };
}

/** A text field, cut at 20,000 characters (the rest is drained, not kept). */
async function readText(data: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  for await (const chunk of data) {
    if (kept >= MAX_TEXT_BYTES) continue;
    chunks.push(chunk);
    kept += chunk.byteLength;
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.length <= MAX_TEXT_CHARS) return text;
  const cut = text.slice(0, MAX_TEXT_CHARS);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut; // never end on half an emoji
}

function plainResponse(status: 400 | 413 | 415, message: string): Response {
  return formRefusal(status, message);
}
