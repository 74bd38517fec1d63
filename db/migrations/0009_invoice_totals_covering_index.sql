-- The invoice list's totals (open balance, overdue, on plan, next due date) add up one account's
-- open invoices on every page view. Carrying the summed columns in the index lets Postgres answer
-- from the index alone (no heap visit per invoice). Drizzle's schema cannot declare INCLUDE.
CREATE INDEX IF NOT EXISTS "invoices_account_status_totals_idx" ON "invoices" USING btree ("account_id", "status") INCLUDE ("currency", "balance", "due_date", "payment_plan_id");
