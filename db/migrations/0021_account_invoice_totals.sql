CREATE TABLE "account_invoice_totals" (
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"due_date" date NOT NULL,
	"bucket" text NOT NULL,
	"on_plan" boolean NOT NULL,
	"invoice_count" integer NOT NULL,
	"balance" bigint NOT NULL,
	CONSTRAINT "account_invoice_totals_account_id_currency_due_date_bucket_on_plan_pk" PRIMARY KEY("account_id","currency","due_date","bucket","on_plan")
);
--> statement-breakpoint
-- Kept totals of each account's invoices (ADR "kept account totals"), current in the same
-- transaction as every change of invoices, whoever writes it (use cases, ingest API, CSV import,
-- seeds): statement-level triggers with transition tables, so a bulk import of 10,000 invoices is
-- one aggregated upsert. Each statement's deltas are applied in key order, so two statements
-- touching the same keys take their row locks in the same order; keys whose delta is zero are
-- skipped (an update that changes no amount, status, plan or due date writes nothing here).
CREATE FUNCTION account_invoice_totals_bucket(status text, balance bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN status = 'open' AND balance > 0 THEN 'open' WHEN status = 'paid' THEN 'paid' ELSE 'other' END
$$;
--> statement-breakpoint
-- Open rows keep the exact due date (overdue, next due date); the others only count, by due month.
CREATE FUNCTION account_invoice_totals_due(bucket text, due_date date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN bucket = 'open' THEN due_date ELSE date_trunc('month', due_date)::date END
$$;
--> statement-breakpoint
-- Transition tables are per event (a trigger with them has one event): one function each.
CREATE FUNCTION account_invoice_totals_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_invoice_totals AS t (account_id, currency, due_date, bucket, on_plan, invoice_count, balance)
  SELECT account_id, currency, account_invoice_totals_due(bucket, due_date), bucket, bucket = 'open' AND has_plan, sum(n)::int, sum(balance)::bigint
  FROM (
    SELECT account_id, currency, due_date, account_invoice_totals_bucket(status, balance) AS bucket, payment_plan_id IS NOT NULL AS has_plan, 1 AS n, balance FROM new_rows
  ) AS d
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(n) <> 0 OR sum(balance) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (account_id, currency, due_date, bucket, on_plan)
    DO UPDATE SET invoice_count = t.invoice_count + excluded.invoice_count, balance = t.balance + excluded.balance;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION account_invoice_totals_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_invoice_totals AS t (account_id, currency, due_date, bucket, on_plan, invoice_count, balance)
  SELECT account_id, currency, account_invoice_totals_due(bucket, due_date), bucket, bucket = 'open' AND has_plan, sum(n)::int, sum(balance)::bigint
  FROM (
    SELECT account_id, currency, due_date, account_invoice_totals_bucket(status, balance) AS bucket, payment_plan_id IS NOT NULL AS has_plan, 1 AS n, balance FROM new_rows
    UNION ALL
    SELECT account_id, currency, due_date, account_invoice_totals_bucket(status, balance), payment_plan_id IS NOT NULL, -1, -balance FROM old_rows
  ) AS d
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(n) <> 0 OR sum(balance) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (account_id, currency, due_date, bucket, on_plan)
    DO UPDATE SET invoice_count = t.invoice_count + excluded.invoice_count, balance = t.balance + excluded.balance;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION account_invoice_totals_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_invoice_totals AS t (account_id, currency, due_date, bucket, on_plan, invoice_count, balance)
  SELECT account_id, currency, account_invoice_totals_due(bucket, due_date), bucket, bucket = 'open' AND has_plan, sum(n)::int, sum(balance)::bigint
  FROM (
    SELECT account_id, currency, due_date, account_invoice_totals_bucket(status, balance) AS bucket, payment_plan_id IS NOT NULL AS has_plan, -1 AS n, -balance AS balance FROM old_rows
  ) AS d
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(n) <> 0 OR sum(balance) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (account_id, currency, due_date, bucket, on_plan)
    DO UPDATE SET invoice_count = t.invoice_count + excluded.invoice_count, balance = t.balance + excluded.balance;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER account_invoice_totals_inserted AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_invoice_totals_inserted();
--> statement-breakpoint
CREATE TRIGGER account_invoice_totals_updated AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_invoice_totals_updated();
--> statement-breakpoint
CREATE TRIGGER account_invoice_totals_deleted AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_invoice_totals_deleted();
--> statement-breakpoint
-- The invoices that exist already.
INSERT INTO account_invoice_totals (account_id, currency, due_date, bucket, on_plan, invoice_count, balance)
SELECT account_id, currency, account_invoice_totals_due(bucket, due_date), bucket, bucket = 'open' AND has_plan, count(*)::int, sum(balance)::bigint
FROM (
  SELECT account_id, currency, due_date, account_invoice_totals_bucket(status, balance) AS bucket, payment_plan_id IS NOT NULL AS has_plan, balance FROM invoices
) AS d
GROUP BY 1, 2, 3, 4, 5;
