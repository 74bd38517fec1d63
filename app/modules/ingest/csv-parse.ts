/** One parsed CSV record: its fields and the 1-based row number it starts on (the header is row 1). */
export interface CsvRecord {
  row: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {}

/** A CSV file's text, or null when its bytes are not UTF-8 (Excel's plain "CSV" is Windows-1252): never guessed, never stored as U+FFFD. */
export function decodeCsvFile(bytes: ArrayBuffer): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A small RFC 4180 parser: quoted fields, "" escapes, commas and newlines inside quotes, CRLF or LF
 * line ends, a leading UTF-8 BOM trimmed. Blank lines are skipped but still counted, so row numbers match a spreadsheet's.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let quotedField = false;
  let row = 0;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    row += 1;
    if (!(fields.length === 1 && fields[0] === "" && !quotedField)) records.push({ row, fields });
    fields = [];
    field = "";
    quotedField = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") throw new CsvSyntaxError(`Row ${row + 1}: unexpected character after a closing quote.`);
        continue;
      }
      if (c === "\u0000") throw new CsvSyntaxError(`Row ${row + 1} contains a NUL character (U+0000): this is not a CSV text file. Save it as CSV (UTF-8) and try again.`);
      field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (field !== "") throw new CsvSyntaxError(`Row ${row + 1}: a quote may only start a field.`);
      inQuotes = true;
      quotedField = true;
      i += 1;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      i += 1;
    } else if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else if (c === "\u0000") {
      // A binary file (or UTF-16) pasted as CSV; PostgreSQL text could not hold it anyway.
      throw new CsvSyntaxError(`Row ${row + 1} contains a NUL character (U+0000): this is not a CSV text file. Save it as CSV (UTF-8) and try again.`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (inQuotes) throw new CsvSyntaxError(`Row ${row + 1}: a quoted field is not closed.`);
  if (field !== "" || fields.length > 0 || quotedField) endRecord();
  return records;
}
