-- The collections worklist ranks every account by its overdue invoices (balance × days late) on
-- each view. This partial index holds only the invoices that can be overdue (open, with a balance,
-- not on a plan) with the columns the ranking reads, so it is one index-only range scan
-- (due_date < today) instead of a pass over every invoice: 21 MB against the table's 250 MB at
-- 1,000,000 invoices. Drizzle's schema cannot declare INCLUDE.
CREATE INDEX IF NOT EXISTS "invoices_overdue_rank_idx" ON "invoices" USING btree ("due_date") INCLUDE ("account_id", "balance") WHERE "status" = 'open' AND "balance" > 0 AND "payment_plan_id" IS NULL;
