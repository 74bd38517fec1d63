import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import {
  contentWidth,
  drawBlock,
  drawHeading,
  drawKeyValues,
  drawTable,
  ensureSpace,
  FONT,
  FONT_BOLD,
  MUTED_COLOR,
  renderPdf,
  TEXT_COLOR,
  write,
  type Column,
  type Doc,
} from "./pdf-layout.server";
import type { Issuer, Statement, StatementCurrencySection, StatementItem } from "./types";

export async function renderStatementPdf(statement: Statement, issuer: Issuer): Promise<Buffer> {
  const { account, asOf } = statement;

  return renderPdf(
    { Title: `Statement ${account.number} ${asOf}`, Author: issuer.name, Subject: account.name },
    `${issuer.name} · Statement for ${account.number} as of ${formatDate(asOf)}`,
    (doc) => {
      drawHeading(doc, issuer, "STATEMENT OF ACCOUNT");

      const left = doc.page.margins.left;
      const width = contentWidth(doc);
      const top = doc.y;
      const accountLines = [account.name, `Account ${account.number}`];
      if (account.billingEmail) accountLines.push(account.billingEmail);
      const accountBottom = drawBlock(doc, "Account", accountLines, left, top, width * 0.45);
      const detailsWidth = width * 0.52;
      const detailsBottom = drawKeyValues(
        doc,
        [
          { label: "As of", value: formatDate(asOf), bold: true },
          { label: "Account number", value: account.number },
        ],
        left + width - detailsWidth,
        top,
        detailsWidth,
      );
      doc.x = left;
      doc.y = Math.max(accountBottom, detailsBottom) + 20;

      if (statement.sections.length === 0) noOpenItems(doc);
      for (const section of statement.sections) drawSection(doc, section);
    },
  );
}

function drawSection(doc: Doc, section: StatementCurrencySection): void {
  const money = (minor: number) => formatMoney(minor, section.currency);
  const left = doc.page.margins.left;

  // Keep the heading with the aging row and the start of the items table.
  ensureSpace(doc, 130);
  doc.font(FONT_BOLD).fontSize(12).fillColor(TEXT_COLOR);
  write(doc, `${section.currency} — balance ${money(section.total)}`, left, doc.y);
  doc.moveDown(0.4);

  const { aging } = section;
  const agingColumns: Column<null>[] = [
    { header: "Current", weight: 1, align: "right", value: () => money(aging.current) },
    { header: "1–30 days", weight: 1, align: "right", value: () => money(aging.days1to30) },
    { header: "31–60 days", weight: 1, align: "right", value: () => money(aging.days31to60) },
    { header: "61–90 days", weight: 1, align: "right", value: () => money(aging.days61to90) },
    { header: "Over 90 days", weight: 1, align: "right", value: () => money(aging.over90) },
    { header: "Total", weight: 1, align: "right", value: () => money(section.total) },
  ];
  drawTable(doc, agingColumns, [null]);
  doc.moveDown(0.8);

  if (section.items.length === 0) {
    noOpenItems(doc);
    return;
  }
  const itemColumns: Column<StatementItem>[] = [
    // Weights are points on Letter: sized so dates, "Days past due" and 7-digit amounts fit on one line.
    { header: "Invoice", weight: 78, value: (i) => i.number },
    { header: "PO", weight: 66, value: (i) => i.poNumber ?? "" },
    { header: "Issued", weight: 62, value: (i) => formatDate(i.issueDate) },
    { header: "Due", weight: 62, value: (i) => formatDate(i.dueDate) },
    { header: "Days past due", weight: 64, align: "right", value: (i) => (i.daysPastDue > 0 ? String(i.daysPastDue) : "—") },
    { header: "Original", weight: 86, align: "right", value: (i) => money(i.total) },
    { header: "Balance", weight: 86, align: "right", value: (i) => money(i.balance) },
  ];
  drawTable(doc, itemColumns, section.items);
  doc.moveDown(1.5);
}

function noOpenItems(doc: Doc): void {
  ensureSpace(doc, 30);
  doc.font(FONT).fontSize(10).fillColor(MUTED_COLOR);
  write(doc, "No open items", doc.page.margins.left, doc.y);
  doc.fillColor(TEXT_COLOR).moveDown(1.5);
}
