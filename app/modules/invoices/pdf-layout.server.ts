import PDFDocument from "pdfkit";

/** Shared pdfkit plumbing for invoice and statement PDFs: document setup, text, tables, footers. */

export type Doc = PDFKit.PDFDocument;

export const FONT = "Helvetica";
export const FONT_BOLD = "Helvetica-Bold";
export const TEXT_COLOR = "#111111";
export const MUTED_COLOR = "#555555";
export const ALERT_COLOR = "#b91c1c";
const RULE_COLOR = "#cccccc";
const HEADER_FILL = "#f1f1f1";

const MARGIN = 54; // 0.75in
const BODY_SIZE = 9;
const CELL_PAD_X = 3;
const CELL_PAD_Y = 4;

/**
 * Builds a Letter-size PDF: `draw` lays out the content, then every page gets a footer.
 * Pages are buffered (bufferPages) so the footer can say "Page X of Y" once Y is known.
 */
export async function renderPdf(
  info: { Title: string; Author: string; Subject: string },
  footerLabel: string,
  draw: (doc: Doc) => void,
): Promise<Buffer> {
  const doc = new PDFDocument({ size: "LETTER", margin: MARGIN, bufferPages: true, info, font: FONT });
  const done = collect(doc);
  doc.fillColor(TEXT_COLOR);
  draw(doc);
  addFooters(doc, footerLabel);
  doc.end();
  return done;
}

/** The document is a Readable stream; gather it into one Buffer. */
function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

function addFooters(doc: Doc, label: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const { left, bottom } = doc.page.margins;
    const width = contentWidth(doc);
    const y = doc.page.height - bottom / 2 - 4;
    // Text below the bottom margin would make pdfkit start a new page; lift the margin while writing.
    doc.page.margins.bottom = 0;
    doc.font(FONT).fontSize(8).fillColor(MUTED_COLOR);
    // One line only: a long label is cut with an ellipsis instead of wrapping into the page edge.
    write(doc, label, left, y, { width: width * 0.75, height: doc.currentLineHeight(), ellipsis: true });
    write(doc, `Page ${i - start + 1} of ${count}`, left, y, { width, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor(TEXT_COLOR);
}

// Unicode code points the standard fonts can show besides Latin-1 (pdfkit's WinAnsi table).
const WIN_ANSI_EXTRA = new Set(
  [402, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8224, 8225, 8226, 8230, 8364, 8240, 8249, 8250, 710, 8482, 338, 339, 732, 352, 353, 376, 381, 382],
);

const printable = (code: number) =>
  (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);

/**
 * The built-in fonts only cover WinAnsi; pdfkit writes garbage for anything else (e.g. "Ł", "東").
 * Strip accents where that helps and fall back to "?" so names never corrupt the page.
 */
export function pdfSafe(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    const code = ch.codePointAt(0)!;
    if (ch === "\n" || printable(code)) out += ch;
    else if (/\s/.test(ch)) out += " ";
    else {
      const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
      out += base.length > 0 && [...base].every((c) => printable(c.codePointAt(0)!)) ? base : "?";
    }
  }
  return out;
}

/** doc.text with the text made safe for the standard fonts. */
export function write(doc: Doc, text: string, x?: number, y?: number, options?: PDFKit.Mixins.TextOptions): void {
  doc.text(pdfSafe(text), x, y, options);
}

export function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

/** Starts a new page unless `height` points still fit above the bottom margin. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.maxY()) doc.addPage();
}

export function rule(doc: Doc, y: number, color = RULE_COLOR): void {
  const { left } = doc.page.margins;
  doc.moveTo(left, y).lineTo(left + contentWidth(doc), y).lineWidth(0.5).strokeColor(color).stroke();
}

/** Issuer (logo above its name) on the left, document title on the right, a rule under both. */
export function drawHeading(doc: Doc, issuer: string | { name: string; logo?: Buffer | null }, title: string): void {
  const issuerName = typeof issuer === "string" ? issuer : issuer.name;
  const logo = typeof issuer === "string" ? null : issuer.logo;
  const { left } = doc.page.margins;
  const width = contentWidth(doc);
  if (logo) {
    // Fitted into a 160×40 pt box: any logo shape keeps the heading's height predictable.
    doc.image(logo, left, doc.y, { fit: [160, 40] });
    doc.y += 46;
  }
  const top = doc.y;
  doc.font(FONT_BOLD).fontSize(20).fillColor(TEXT_COLOR);
  const titleWidth = doc.widthOfString(title);
  write(doc, title, left, top, { width, align: "right" });
  const titleBottom = doc.y;
  // A long issuer name wraps rather than running under the title.
  doc.font(FONT_BOLD).fontSize(14);
  write(doc, issuerName, left, top + 4, { width: width - titleWidth - 16 });
  const y = Math.max(doc.y, titleBottom) + 6;
  rule(doc, y, MUTED_COLOR);
  doc.x = left;
  doc.y = y + 14;
}

export interface KeyValue {
  label: string;
  value: string;
  bold?: boolean;
  color?: string;
}

/** A label/value list (muted labels, right-aligned values) at x..x+width; returns its bottom y. */
export function drawKeyValues(doc: Doc, rows: KeyValue[], x: number, y: number, width: number): number {
  const labelWidth = width * 0.4;
  const valueWidth = width - labelWidth;
  for (const row of rows) {
    doc.font(row.bold ? FONT_BOLD : FONT).fontSize(BODY_SIZE + 1).fillColor(MUTED_COLOR);
    write(doc, row.label, x, y, { width: labelWidth });
    const labelBottom = doc.y;
    doc.fillColor(row.color ?? TEXT_COLOR);
    write(doc, row.value, x + labelWidth, y, { width: valueWidth, align: "right" });
    y = Math.max(doc.y, labelBottom) + 2;
  }
  doc.fillColor(TEXT_COLOR);
  return y;
}

/** A small muted caption followed by plain lines (e.g. a bill-to block); returns its bottom y. */
export function drawBlock(doc: Doc, caption: string, lines: string[], x: number, y: number, width: number): number {
  doc.font(FONT_BOLD).fontSize(8).fillColor(MUTED_COLOR);
  write(doc, caption.toUpperCase(), x, y, { width });
  doc.moveDown(0.3);
  lines.forEach((line, i) => {
    doc.font(i === 0 ? FONT_BOLD : FONT).fontSize(BODY_SIZE + 1).fillColor(TEXT_COLOR);
    write(doc, line, x, doc.y, { width });
  });
  return doc.y;
}

export interface Column<Row> {
  header: string;
  /** Relative width; columns are scaled so the table spans the content width. */
  weight: number;
  align?: "left" | "right";
  /** Cell text; "\n" starts another line within the cell. */
  value: (row: Row) => string;
}

/**
 * Draws a full-width table from doc.y. Rows are never split: when a row does not fit,
 * the table continues on a new page under a repeated header.
 */
export function drawTable<Row>(doc: Doc, columns: Column<Row>[], rows: Row[]): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const totalWeight = columns.reduce((sum, c) => sum + c.weight, 0);
  const widths = columns.map((c) => (c.weight / totalWeight) * width);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, b) => a + b, 0));

  // Cells are measured and drawn with the same font settings, so the measured height is exact.
  const rowHeight = (texts: string[]) =>
    Math.max(...texts.map((t, i) => doc.heightOfString(pdfSafe(t), { width: widths[i]! - 2 * CELL_PAD_X }))) + 2 * CELL_PAD_Y;

  const drawRow = (texts: string[], y: number, height: number) => {
    texts.forEach((t, i) => {
      write(doc, t, xs[i]! + CELL_PAD_X, y + CELL_PAD_Y, {
        width: widths[i]! - 2 * CELL_PAD_X,
        align: columns[i]!.align ?? "left",
      });
    });
    rule(doc, y + height);
  };

  const headers = columns.map((c) => c.header);
  const headerFont = () => doc.font(FONT_BOLD).fontSize(BODY_SIZE - 0.5).fillColor(TEXT_COLOR);
  const bodyFont = () => doc.font(FONT).fontSize(BODY_SIZE).fillColor(TEXT_COLOR);
  headerFont();
  const headerHeight = rowHeight(headers);

  const drawHeader = () => {
    headerFont();
    const y = doc.y;
    doc.rect(left, y, width, headerHeight).fill(HEADER_FILL);
    doc.fillColor(TEXT_COLOR);
    drawRow(headers, y, headerHeight);
    doc.y = y + headerHeight;
  };

  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  bodyFont();
  const firstRowHeight = cells[0] ? rowHeight(cells[0]) : 0;
  // Keep the header with at least the first row.
  ensureSpace(doc, headerHeight + firstRowHeight);
  drawHeader();

  for (const texts of cells) {
    bodyFont();
    const height = rowHeight(texts);
    if (doc.y + height > doc.page.maxY()) {
      doc.addPage();
      drawHeader();
      bodyFont();
    }
    const y = doc.y;
    drawRow(texts, y, height);
    doc.y = y + height;
  }
  doc.x = left;
}
