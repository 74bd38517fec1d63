/** The import form's schema and the CSV reader for the route's loader and action, through a `.server` module so the page does not carry zod (see payments/payment-forms.server.ts). */
export { csvImportForm } from "./csv-import-form";
export { COLUMNS, OPTIONAL_COLUMNS, readCsv } from "./csv-rows";
