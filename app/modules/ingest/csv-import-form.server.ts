/** The import form's schema for its action, through a `.server` module so the page does not carry zod (see payments/payment-forms.server.ts). */
export { csvImportForm } from "./csv-import-form";
