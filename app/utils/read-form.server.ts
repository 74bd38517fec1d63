/**
 * Reads the body of a form post. Every route action reads its form through here instead of
 * `request.formData()`, which throws a TypeError (a 500) on a body that is not a form: JSON,
 * text, multipart without a boundary, a truncated multipart body. Those get a 415 or a 400 with
 * a message that says what was wrong.
 */

const URLENCODED = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

/** A plain-text refusal, thrown from an action: Remix answers it as is. */
export function formRefusal(status: 400 | 413 | 415, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** The media type of a Content-Type header, lower-cased, without parameters ("" when absent). */
export function mediaTypeOf(request: Request): string {
  return (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Throws 415 unless the body is a form of one of the `accepted` media types, and 400 for
 * multipart without a boundary.
 */
export function assertFormContentType(request: Request, accepted: readonly string[] = [URLENCODED, MULTIPART]): void {
  const type = mediaTypeOf(request);
  if (!accepted.includes(type)) {
    const expected = accepted.join(" or ");
    throw formRefusal(415, `This form must be sent as ${expected}${type ? `, not ${type}` : ""}. Reload the page and submit the form again.`);
  }
  if (type === MULTIPART && !/;\s*boundary=("[^"]+"|[^;\s]+)/i.test(request.headers.get("Content-Type") ?? "")) {
    throw formRefusal(400, "The form could not be read: the multipart body has no boundary. Reload the page and submit the form again.");
  }
}

/** No form of the portal's comes near this; file uploads have their own reader and cap. */
export const MAX_FORM_BYTES = 1024 * 1024;

/**
 * The form, or a thrown 415/400/413 Response. A body announced larger than `maxBytes` is refused
 * before it is read (the server's own body cap bounds a body without a length). A NUL character,
 * never valid text, is refused here, and so is a file in any field but `fileFields`.
 */
export async function readForm(request: Request, { maxBytes = MAX_FORM_BYTES, fileFields = [] }: { maxBytes?: number; fileFields?: string[] } = {}): Promise<FormData> {
  assertFormContentType(request);
  if (Number(request.headers.get("Content-Length")) > maxBytes) throw formRefusal(413, "This form is too large to be read. Shorten what you typed and submit it again.");
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw formRefusal(400, "The form could not be read: the body is not a well-formed form. Reload the page and submit the form again.");
  }
  for (const [name, value] of form) {
    if (typeof value === "string" ? value.includes("\u0000") || name.includes("\u0000") : false) {
      throw formRefusal(400, "The form contains a NUL character, which is never part of valid text. Remove it and submit the form again.");
    }
    // A file where text belongs would read as an empty field, and an empty field can mean
    // something (e.g. "no limit"): refuse it rather than act on what was not typed.
    if (typeof value !== "string" && !fileFields.includes(name)) {
      throw formRefusal(400, `The form has a file in the field "${name.slice(0, 40)}", where text was expected. Reload the page and submit the form again.`);
    }
  }
  return form;
}

/** Reads a form body as a plain object of its text fields (files are left out) for a zod schema. */
export async function readFormValues(request: Request): Promise<Record<string, string>> {
  const form = await readForm(request);
  const values: Record<string, string> = {};
  for (const [key, value] of form) if (typeof value === "string") values[key] = value;
  return values;
}

/** A text field: "" when absent or when a file was sent in its place. */
export function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
