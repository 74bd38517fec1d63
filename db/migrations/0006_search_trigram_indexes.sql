-- Staff search matches '%term%' on invoice number, PO and customer name: trigram indexes let
-- Postgres answer it from the index instead of reading every invoice.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_number_trgm_idx" ON "invoices" USING gin ("number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "invoices_po_number_trgm_idx" ON "invoices" USING gin ("po_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "accounts_name_trgm_idx" ON "accounts" USING gin ("name" gin_trgm_ops);
