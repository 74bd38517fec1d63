import { z } from "zod";

/** The CSV import form's fields besides the file (read apart, as an upload): what to do, and what the file holds. */
export const csvImportForm = z.object({
  intent: z.enum(["preview", "import"], { error: "Choose Preview or Import." }).default("preview"),
  kind: z.enum(["invoices", "customers"], { error: "Choose what the file contains: invoices or customers." }).default("invoices"),
  /** Pasted CSV text (or, on Import, the previewed text carried in the page). */
  csv: z.string().optional(),
});
