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
import { offerSentence } from "~/modules/terms/payment-terms";
import { lineLabel } from "./statement-lines";
import type { Issuer, Statement, StatementCurrencySection, StatementLine } from "./types";

export async function renderStatementPdf(statement: Statement, issuer: Issuer): Promise<Buffer> {
  const { account } = statement;
  const { from, to } = statement.period;

  return renderPdf(
    { Title: `Statement ${account.number} ${from} ${to}`, Author: issuer.name, Subject: account.name },
    `${issuer.name} · Statement for ${account.number}, ${formatDate(from)} – ${formatDate(to)}`,
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
          { label: "Period", value: `${formatDate(from)} – ${formatDate(to)}`, bold: true },
          { label: "Account number", value: account.number },
        ],
        left + width - detailsWidth,
        top,
        detailsWidth,
      );
      doc.x = left;
      doc.y = Math.max(accountBottom, detailsBottom) + 20;

      if (statement.sections.length === 0) noActivity(doc);
      for (const section of statement.sections) drawSection(doc, section, statement);
    },
  );
}

function drawSection(doc: Doc, section: StatementCurrencySection, statement: Statement): void {
  const money = (minor: number) => formatMoney(minor, section.currency);
  const left = doc.page.margins.left;
  const { from, to } = statement.period;

  // Keep the heading with the balances and the start of the lines.
  ensureSpace(doc, 160);
  doc.font(FONT_BOLD).fontSize(12).fillColor(TEXT_COLOR);
  write(doc, `${section.currency} — closing balance ${money(section.closing)}`, left, doc.y);
  doc.moveDown(0.4);

  const summary: Column<null>[] = [
    { header: `Opening ${formatDate(from)}`, weight: 1, align: "right", value: () => money(section.opening) },
    { header: "Invoiced", weight: 1, align: "right", value: () => money(section.invoiced) },
    { header: "Payments, credits", weight: 1, align: "right", value: () => money(section.reductions) },
    { header: "Refunds, reversals", weight: 1, align: "right", value: () => money(section.increases) },
    { header: `Closing ${formatDate(to)}`, weight: 1, align: "right", value: () => money(section.closing) },
  ];
  drawTable(doc, summary, [null]);
  doc.moveDown(0.6);
  if (section.processing.count > 0) {
    doc.font(FONT).fontSize(9).fillColor(MUTED_COLOR);
    write(doc, `Not included: ${money(section.processing.amount)} in ${section.processing.count} payment(s) still processing.`, left, doc.y);
    doc.fillColor(TEXT_COLOR).moveDown(0.6);
  }

  const offers = statement.offers.filter((o) => o.currency === section.currency);
  if (offers.length > 0) {
    ensureSpace(doc, 30 + offers.length * 12);
    doc.font(FONT_BOLD).fontSize(10).fillColor(TEXT_COLOR);
    write(doc, `Early-payment discounts available on ${formatDate(statement.asOf)}`, left, doc.y);
    doc.font(FONT).fontSize(9);
    for (const o of offers) write(doc, `Invoice ${o.number}: ${offerSentence(o, section.currency)}.`, left, doc.y + 2);
    doc.moveDown(0.6);
  }

  const lines: Array<StatementLine | "opening" | "closing"> = ["opening", ...statement.lines.filter((l) => l.currency === section.currency), "closing"];
  const lineColumns: Column<StatementLine | "opening" | "closing">[] = [
    { header: "Date", weight: 62, value: (l) => formatDate(l === "opening" ? from : l === "closing" ? to : l.date) },
    { header: "Description", weight: 230, value: (l) => (l === "opening" ? "Opening balance" : l === "closing" ? "Closing balance" : describe(l, section.currency)) },
    { header: "Amount", weight: 90, align: "right", value: (l) => (typeof l === "string" ? "" : money(l.amount)) },
    { header: "Balance", weight: 90, align: "right", value: (l) => money(l === "opening" ? section.opening : l === "closing" ? section.closing : l.balance) },
  ];
  drawTable(doc, lineColumns, lines);
  doc.moveDown(0.8);

  ensureSpace(doc, 60);
  doc.font(FONT_BOLD).fontSize(10).fillColor(TEXT_COLOR);
  write(doc, `Aging at ${formatDate(to)}`, left, doc.y);
  doc.moveDown(0.3);
  const { aging } = section;
  const agingColumns: Column<null>[] = [
    { header: "Current", weight: 1, align: "right", value: () => money(aging.current) },
    { header: "1–30 days", weight: 1, align: "right", value: () => money(aging.days1to30) },
    { header: "31–60 days", weight: 1, align: "right", value: () => money(aging.days31to60) },
    { header: "61–90 days", weight: 1, align: "right", value: () => money(aging.days61to90) },
    { header: "Over 90 days", weight: 1, align: "right", value: () => money(aging.over90) },
    { header: "Total", weight: 1, align: "right", value: () => money(Object.values(aging).reduce((a, b) => a + b, 0)) },
  ];
  drawTable(doc, agingColumns, [null]);
  doc.moveDown(1.5);
}

function describe(line: StatementLine, currency: string): string {
  const text = [`${lineLabel(line.kind)} ${line.invoices}`];
  if (line.detail) text.push(line.detail);
  if (line.offer) text.push(`${offerSentence(line.offer, currency)}`);
  return text.join("\n");
}

function noActivity(doc: Doc): void {
  ensureSpace(doc, 30);
  doc.font(FONT).fontSize(10).fillColor(MUTED_COLOR);
  write(doc, "No invoices on this account", doc.page.margins.left, doc.y);
  doc.fillColor(TEXT_COLOR).moveDown(1.5);
}
