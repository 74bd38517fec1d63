import { formatDate } from "~/utils/dates";
import { formatMoney } from "~/utils/money";
import { discountTermsSentence, offerSentence } from "~/modules/terms/payment-terms";
import {
  ALERT_COLOR,
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
  rule,
  TEXT_COLOR,
  write,
  type Column,
  type KeyValue,
} from "./pdf-layout.server";
import type { InvoiceDetail, InvoiceLineView, Issuer } from "./types";

/** What the payer should read at a glance; overdue wins over partially paid. */
function invoiceStatusText(invoice: Pick<InvoiceDetail, "displayStatus" | "daysPastDue">): string {
  switch (invoice.displayStatus) {
    case "overdue":
      return `OVERDUE — ${invoice.daysPastDue} ${invoice.daysPastDue === 1 ? "day" : "days"} past due`;
    case "paid":
      return "PAID";
    case "void":
      return "VOID";
    case "partially_paid":
      return "PARTIALLY PAID";
    case "partly_credited":
      return "PARTLY CREDITED";
    case "credited":
      return "CREDITED";
    case "on_plan":
      return "ON PAYMENT PLAN";
    case "open":
      return "OPEN";
  }
}

/** "2.500" → "2.5", "3.000" → "3": quantities are stored with fixed decimals. */
function formatQuantity(quantity: string): string {
  return quantity.includes(".") ? quantity.replace(/0+$/, "").replace(/\.$/, "") : quantity;
}

export async function renderInvoicePdf(invoice: InvoiceDetail, issuer: Issuer): Promise<Buffer> {
  const money = (minor: number) => formatMoney(minor, invoice.currency);

  return renderPdf(
    { Title: `Invoice ${invoice.number}`, Author: issuer.name, Subject: invoice.account.name },
    `${issuer.name} · Invoice ${invoice.number}`,
    (doc) => {
      drawHeading(doc, issuer, "INVOICE");

      const left = doc.page.margins.left;
      const width = contentWidth(doc);
      const top = doc.y;
      const billTo = [invoice.account.name, `Account ${invoice.account.number}`];
      if (invoice.account.billingEmail) billTo.push(invoice.account.billingEmail);
      const billToBottom = drawBlock(doc, "Bill to", billTo, left, top, width * 0.45);

      const details: KeyValue[] = [{ label: "Invoice number", value: invoice.number, bold: true }];
      if (invoice.poNumber) details.push({ label: "PO number", value: invoice.poNumber });
      details.push(
        { label: "Issue date", value: formatDate(invoice.issueDate) },
        { label: "Due date", value: formatDate(invoice.dueDate) },
        { label: "Terms", value: invoice.terms },
      );
      // "2/10 net 30" when the label the back office sent does not already say it.
      const { label: termsLabel } = invoice.paymentTerms;
      if (termsLabel && termsLabel.toLowerCase() !== invoice.terms.trim().toLowerCase()) details.push({ label: "Payment terms", value: termsLabel });
      if (invoice.lateFeeFor) details.push({ label: "Late fee on", value: `Invoice ${invoice.lateFeeFor.number}`, bold: true });
      details.push(
        {
          label: "Status",
          value: invoiceStatusText(invoice),
          bold: true,
          color: invoice.displayStatus === "overdue" ? ALERT_COLOR : undefined,
        },
      );
      const detailsWidth = width * 0.52;
      const detailsBottom = drawKeyValues(doc, details, left + width - detailsWidth, top, detailsWidth);
      doc.x = left;
      doc.y = Math.max(billToBottom, detailsBottom) + 20;

      const columns: Column<InvoiceLineView>[] = [
        { header: "Description", weight: 5, value: (l) => (l.sku ? `${l.description}\nSKU ${l.sku}` : l.description) },
        { header: "Qty", weight: 1, align: "right", value: (l) => formatQuantity(l.quantity) },
        { header: "Unit price", weight: 2, align: "right", value: (l) => money(l.unitAmount) },
        { header: "Amount", weight: 2, align: "right", value: (l) => money(l.amount) },
      ];
      drawTable(doc, columns, [...invoice.lines].sort((a, b) => a.position - b.position));

      const totals: KeyValue[] = [
        { label: "Subtotal", value: money(invoice.subtotal) },
        { label: invoice.taxLabel ?? "Tax", value: money(invoice.taxTotal) },
        { label: "Total", value: money(invoice.total), bold: true },
        { label: "Amount paid", value: money(invoice.amountPaid) },
      ];
      if (invoice.amountCredited !== 0) totals.push({ label: "Credited", value: money(invoice.amountCredited) });
      if (invoice.amountDiscounted > 0) totals.push({ label: "Discount taken", value: money(invoice.amountDiscounted) });
      const balance: KeyValue = { label: "Balance due", value: money(invoice.balance), bold: true };

      // The totals block is small; keep it in one piece rather than splitting it across pages.
      ensureSpace(doc, (totals.length + 1) * 16 + 30);
      const totalsWidth = width * 0.45;
      const totalsX = left + width - totalsWidth;
      const totalsBottom = drawKeyValues(doc, totals, totalsX, doc.y + 12, totalsWidth);
      doc
        .moveTo(totalsX, totalsBottom + 2)
        .lineTo(left + width, totalsBottom + 2)
        .lineWidth(1)
        .strokeColor(TEXT_COLOR)
        .stroke();
      doc.y = drawKeyValues(doc, [balance], totalsX, totalsBottom + 8, totalsWidth);

      // The offer and the discount terms, under the balance where the payer decides what to pay.
      const discount = discountTermsSentence(invoice.paymentTerms);
      const offer = invoice.offer ? `${offerSentence(invoice.offer, invoice.currency)}.` : null;
      if (offer || (discount && invoice.paymentTerms.discountUntil)) {
        doc.x = left;
        doc.moveDown(1);
        ensureSpace(doc, 40);
        if (offer) {
          doc.font(FONT_BOLD).fontSize(11).fillColor(TEXT_COLOR);
          write(doc, offer, left, doc.y, { width });
        }
        if (discount) {
          doc.font(FONT).fontSize(9).fillColor(MUTED_COLOR);
          write(doc, `${discount} (by ${formatDate(invoice.paymentTerms.discountUntil!)}).`, left, doc.y + 2, { width });
        }
        doc.fillColor(TEXT_COLOR);
      }

      if (invoice.lateFees.length > 0) {
        doc.x = left;
        doc.moveDown(1);
        ensureSpace(doc, 30 + invoice.lateFees.length * 12);
        doc.font(FONT_BOLD).fontSize(8).fillColor(MUTED_COLOR);
        write(doc, "LATE FEES ON THIS INVOICE", left, doc.y, { width });
        doc.font(FONT).fontSize(9).fillColor(TEXT_COLOR);
        for (const fee of invoice.lateFees) write(doc, `Invoice ${fee.number}, ${formatDate(fee.issueDate)}: ${money(fee.total)}${fee.balance > 0 ? `, ${money(fee.balance)} due` : ""}`, left, doc.y + 2, { width });
      }

      if (invoice.memo) {
        doc.x = left;
        doc.moveDown(1.5);
        ensureSpace(doc, 40);
        rule(doc, doc.y);
        doc.font(FONT_BOLD).fontSize(8).fillColor(MUTED_COLOR);
        write(doc, "NOTES", left, doc.y + 8, { width });
        doc.font(FONT).fontSize(9).fillColor(TEXT_COLOR);
        // Free text flows onto further pages on its own if it is long.
        write(doc, invoice.memo, left, doc.y + 2, { width });
      }
    },
  );
}
