CREATE TABLE "installments" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"sequence" integer NOT NULL,
	"due_date" date NOT NULL,
	"amount" bigint NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_on" date,
	"payment_id" text,
	"failure_code" text,
	"failure_message" text,
	"reminder_sent_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installments_amount_positive" CHECK ("installments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "payment_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"created_by_user_id" text,
	"client_attempt_id" text,
	"currency" text NOT NULL,
	"total" bigint NOT NULL,
	"frequency" text NOT NULL,
	"installment_count" integer NOT NULL,
	"down_payment" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'authorizing' NOT NULL,
	"policy" jsonb NOT NULL,
	"stripe_payment_method_id" text,
	"stripe_mandate_id" text,
	"method" text,
	"method_label" text,
	"setup_checkout_session_id" text,
	"setup_checkout_url" text,
	"reviewed_by_user_id" text,
	"ended_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"authorized_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"activated_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	CONSTRAINT "payment_plans_total_positive" CHECK ("payment_plans"."total" > 0),
	CONSTRAINT "payment_plans_down_payment_within_total" CHECK ("payment_plans"."down_payment" >= 0 and "payment_plans"."down_payment" < "payment_plans"."total")
);
--> statement-breakpoint
CREATE TABLE "plan_invoices" (
	"plan_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "plan_invoices_plan_id_invoice_id_pk" PRIMARY KEY("plan_id","invoice_id")
);
--> statement-breakpoint
CREATE TABLE "plan_policies" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"rules" jsonb NOT NULL,
	"updated_by_user_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "payment_plan_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "plan_id" text;--> statement-breakpoint
ALTER TABLE "installments" ADD CONSTRAINT "installments_plan_id_payment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."payment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installments" ADD CONSTRAINT "installments_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_plans" ADD CONSTRAINT "payment_plans_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_plans" ADD CONSTRAINT "payment_plans_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_plans" ADD CONSTRAINT "payment_plans_reviewed_by_user_id_users_id_fk" FOREIGN KEY ("reviewed_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_invoices" ADD CONSTRAINT "plan_invoices_plan_id_payment_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."payment_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_invoices" ADD CONSTRAINT "plan_invoices_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_policies" ADD CONSTRAINT "plan_policies_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "installments_plan_sequence_key" ON "installments" USING btree ("plan_id","sequence");--> statement-breakpoint
CREATE INDEX "installments_status_due_idx" ON "installments" USING btree ("status","due_date");--> statement-breakpoint
CREATE INDEX "installments_payment_idx" ON "installments" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_plans_attempt_key" ON "payment_plans" USING btree ("created_by_user_id","client_attempt_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_plans_setup_session_key" ON "payment_plans" USING btree ("setup_checkout_session_id");--> statement-breakpoint
CREATE INDEX "payment_plans_account_created_idx" ON "payment_plans" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_plans_status_created_idx" ON "payment_plans" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "plan_invoices_invoice_idx" ON "plan_invoices" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_payment_plan_idx" ON "invoices" USING btree ("payment_plan_id");--> statement-breakpoint
CREATE INDEX "payments_plan_idx" ON "payments" USING btree ("plan_id");