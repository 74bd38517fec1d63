CREATE TABLE "account_credits" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"external_id" text,
	"source" text NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"amount_applied" bigint DEFAULT 0 NOT NULL,
	"reason" text NOT NULL,
	"created_by_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_credits_amounts" CHECK ("account_credits"."amount" > 0 and "account_credits"."amount_applied" >= 0 and "account_credits"."amount_applied" <= "account_credits"."amount")
);
--> statement-breakpoint
CREATE TABLE "credit_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"credit_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"applied_by_user_id" text,
	"quote_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_applications_amount_positive" CHECK ("credit_applications"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "late_fee_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"kind" text NOT NULL,
	"rate_bps" integer,
	"fixed_amount" bigint,
	"grace_days" integer DEFAULT 0 NOT NULL,
	"cap_per_invoice" bigint,
	"cap_per_account" bigint,
	"updated_by_user_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "late_fee_policies_amounts" CHECK (("late_fee_policies"."kind" = 'percent' and "late_fee_policies"."rate_bps" between 1 and 10000) or ("late_fee_policies"."kind" = 'fixed' and "late_fee_policies"."fixed_amount" > 0)),
	CONSTRAINT "late_fee_policies_limits" CHECK ("late_fee_policies"."grace_days" between 0 and 365 and coalesce("late_fee_policies"."cap_per_invoice", 1) > 0 and coalesce("late_fee_policies"."cap_per_account", 1) > 0)
);
--> statement-breakpoint
CREATE TABLE "quotes" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb NOT NULL,
	"credits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"total" bigint NOT NULL,
	"discount_total" bigint DEFAULT 0 NOT NULL,
	"credit_total" bigint DEFAULT 0 NOT NULL,
	"quoted_on" date NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payment_allocations" DROP CONSTRAINT "payment_allocations_amount_positive";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "default_net_days" integer;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "default_discount_bps" integer;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "default_discount_days" integer;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "late_fees_allowed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "net_days" integer;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "discount_bps" integer;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "discount_days" integer;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "amount_discounted" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "late_fee_for_invoice_id" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "late_fee_period" integer;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD COLUMN "discount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "quote_id" text;--> statement-breakpoint
ALTER TABLE "account_credits" ADD CONSTRAINT "account_credits_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_credits" ADD CONSTRAINT "account_credits_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_applications" ADD CONSTRAINT "credit_applications_credit_id_account_credits_id_fk" FOREIGN KEY ("credit_id") REFERENCES "public"."account_credits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_applications" ADD CONSTRAINT "credit_applications_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_applications" ADD CONSTRAINT "credit_applications_applied_by_user_id_users_id_fk" FOREIGN KEY ("applied_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "late_fee_policies" ADD CONSTRAINT "late_fee_policies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "late_fee_policies" ADD CONSTRAINT "late_fee_policies_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotes" ADD CONSTRAINT "quotes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_credits_external_id_key" ON "account_credits" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "account_credits_account_idx" ON "account_credits" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "credit_applications_credit_idx" ON "credit_applications" USING btree ("credit_id");--> statement-breakpoint
CREATE INDEX "credit_applications_invoice_idx" ON "credit_applications" USING btree ("invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "late_fee_policies_account_key" ON "late_fee_policies" USING btree (coalesce("account_id", ''));--> statement-breakpoint
CREATE INDEX "quotes_account_idx" ON "quotes" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_late_fee_period_key" ON "invoices" USING btree ("late_fee_for_invoice_id","late_fee_period");--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_discount_terms" CHECK (("invoices"."discount_bps" is null) = ("invoices"."discount_days" is null) and coalesce("invoices"."discount_bps", 1) between 1 and 9999 and coalesce("invoices"."discount_days", 0) >= 0 and coalesce("invoices"."net_days", 0) >= 0);--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_discounted_within_credited" CHECK ("invoices"."amount_discounted" >= 0 and "invoices"."amount_discounted" <= "invoices"."amount_credited");--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_amount_positive" CHECK ("payment_allocations"."amount" > 0 and "payment_allocations"."discount" >= 0);--> statement-breakpoint
-- Terms sent before this migration were only a label: read "Net 30" (any case) as 30 net days.
UPDATE "invoices" SET "net_days" = (regexp_match("terms", 'net\s*(\d{1,3})', 'i'))[1]::int WHERE "terms" ~* 'net\s*\d{1,3}';
