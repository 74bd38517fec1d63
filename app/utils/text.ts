/**
 * Characters refused in what people and systems send us. C0/C1 control characters (other than
 * tab and line breaks) and DEL have no place in text shown to people; NUL cannot even be stored
 * in PostgreSQL. The Unicode bidirectional controls (LRE, RLE, PDF, LRO, RLO U+202A–U+202E, the
 * isolates U+2066–U+2069, LRM/RLM U+200E/U+200F) make text display in a different order than it
 * is stored ("Trojan Source"): an invoice number or a name with them reads as something it is not.
 * Identifiers and names refuse all of these, line breaks and tabs included; free text (messages,
 * notes, descriptions) refuses them too but keeps tab and line breaks (ADR: refuse, not strip).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAKS_AND_TABS = /[\t\n\r]/;
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export const CONTROL_CHARACTERS_MESSAGE = "Remove the control characters (invisible formatting or text-direction characters such as U+202E); they are not allowed here.";
export const LINE_BREAK_MESSAGE = "Use a single line without tabs or line breaks.";

/** Why `text` is refused as an identifier or a name (single line), or null when it is fine. */
export function singleLineProblem(text: string): string | null {
  if (CONTROL.test(text) || BIDI.test(text)) return CONTROL_CHARACTERS_MESSAGE;
  if (LINE_BREAKS_AND_TABS.test(text)) return LINE_BREAK_MESSAGE;
  return null;
}

/** Why `text` is refused as free text (tabs and line breaks allowed), or null when it is fine. */
export function freeTextProblem(text: string): string | null {
  return CONTROL.test(text) || BIDI.test(text) ? CONTROL_CHARACTERS_MESSAGE : null;
}

export const isSingleLineText = (text: string) => singleLineProblem(text) === null;
export const isFreeText = (text: string) => freeTextProblem(text) === null;
