import { contentWidth, drawBlock, drawHeading, drawKeyValues, drawTable, renderPdf, type Column } from "~/modules/invoices/pdf-layout.server";
import type { Issuer } from "~/modules/invoices/types";
import { formatMoney } from "~/utils/money";
import type { PayerPaymentView } from "./get-payment.server";

const when = (d: Date | string | null) => (d ? new Date(d).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "—");

/** A payment receipt: who paid what, how, when, and which invoices it settled. */
export async function renderReceiptPdf(payment: PayerPaymentView, issuer: Issuer): Promise<Buffer> {
  const money = (m: number) => formatMoney(m, payment.currency);
  return renderPdf({ Title: `Receipt ${payment.id}`, Author: issuer.name, Subject: payment.accountName }, `${issuer.name} · Receipt ${payment.id}`, (doc) => {
    drawHeading(doc, issuer, "PAYMENT RECEIPT");
    const left = doc.page.margins.left;
    const width = contentWidth(doc);
    const top = doc.y;
    const fromBottom = drawBlock(doc, "Received from", [payment.accountName, `Account ${payment.accountNumber}`, ...(payment.payer ? [`${payment.payer.name}`] : [])], left, top, width * 0.45);
    const factsBottom = drawKeyValues(
      doc,
      [
        { label: "Amount paid", value: money(payment.amount), bold: true },
        { label: "Paid on", value: when(payment.succeededAt) },
        { label: "Method", value: payment.methodLabel ?? "—" },
        { label: "Reference", value: payment.id },
        ...(payment.amountRefunded > 0 ? [{ label: "Refunded", value: money(payment.amountRefunded) }] : []),
      ],
      left + width * 0.48,
      top,
      width * 0.52,
    );
    doc.x = left;
    doc.y = Math.max(fromBottom, factsBottom) + 20;
    const discounted = payment.allocations.some((a) => a.discount > 0);
    const columns: Column<PayerPaymentView["allocations"][number]>[] = [
      { header: "Invoice", weight: 3, value: (a) => a.number },
      { header: "Amount applied", weight: 2, align: "right", value: (a) => money(a.amount) },
      ...(discounted
        ? [
            { header: "Early-payment discount", weight: 2, align: "right" as const, value: (a: PayerPaymentView["allocations"][number]) => (a.discount > 0 ? money(a.discount) : "—") },
            { header: "Settled", weight: 2, align: "right" as const, value: (a: PayerPaymentView["allocations"][number]) => money(a.amount + a.discount) },
          ]
        : []),
      { header: "Balance now", weight: 2, align: "right", value: (a) => money(a.invoiceBalance) },
    ];
    drawTable(doc, columns, payment.allocations);
  });
}
