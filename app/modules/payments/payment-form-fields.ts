/**
 * The names of the payments forms' per-invoice fields, shared by the schemas (payment-forms.ts)
 * and the pages. Kept apart from the schemas so a page can name its fields without shipping zod.
 */
export const payAmountField = (invoiceId: string) => `amount_${invoiceId}`;
export const refundAmountField = (invoiceId: string) => `refund_${invoiceId}`;
export const payCreditField = (creditId: string) => `credit_${creditId}`;
