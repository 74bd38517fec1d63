import type { StatementLineKind } from "./types";

/** How a line reads on the page, in the PDF and in the CSV. */
export function lineLabel(kind: StatementLineKind): string {
  switch (kind) {
    case "invoice":
      return "Invoice";
    case "payment":
      return "Payment";
    case "offline_payment":
      return "Payment received";
    case "credit":
      return "Credit";
    case "refund":
      return "Refund";
    case "chargeback":
      return "Payment reversed (chargeback)";
    case "chargeback_reinstated":
      return "Chargeback reversed (payment reinstated)";
    case "void":
      return "Invoice voided";
    case "adjustment":
      return "Paid or credited (no dated record)";
    case "late_fee":
      return "Late fee";
    case "discount":
      return "Early-payment discount";
  }
}
