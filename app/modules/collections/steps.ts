// Plain helpers about cadence steps, shared by the engine, the admin pages and the emails.

/** "−3", "0", "+7": how a step's offset from the due date reads. */
export function stepLabel(offsetDays: number): string {
  if (offsetDays === 0) return "0";
  return offsetDays > 0 ? `+${offsetDays}` : `−${-offsetDays}`;
}

/** Plain words for a step: "3 days before due", "on the due date", "7 days after due". */
export function stepWhen(offsetDays: number): string {
  if (offsetDays === 0) return "on the due date";
  const n = Math.abs(offsetDays);
  return `${n} day${n === 1 ? "" : "s"} ${offsetDays < 0 ? "before" : "after"} due`;
}

export interface TemplateValues {
  account_name: string;
  company_name: string;
  total_due: string;
  invoice_count: string;
  days_late: string;
  /** "Pay USD 980.00 by Dec 16, 2026 and save USD 20.00 on invoice INV-1." per invoice with an early-payment offer today; empty without one. */
  discount_offer: string;
}

export const templatePlaceholders: (keyof TemplateValues)[] = ["account_name", "company_name", "total_due", "invoice_count", "days_late", "discount_offer"];

/** Fills {{placeholders}}; an unknown one is left as written so the preview shows the typo. */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) => (key in values ? values[key as keyof TemplateValues] : whole));
}
