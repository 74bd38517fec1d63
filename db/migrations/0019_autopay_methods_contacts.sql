CREATE TABLE "autopay_charges" (
	"id" text PRIMARY KEY NOT NULL,
	"enrollment_id" text NOT NULL,
	"account_id" text NOT NULL,
	"charge_on" date NOT NULL,
	"invoice_ids" jsonb NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"notice_sent_at" timestamp with time zone,
	"payment_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_on" date,
	"last_failure_code" text,
	"last_failure_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autopay_enrollments" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"saved_method_id" text NOT NULL,
	"currency" text NOT NULL,
	"max_charge" bigint NOT NULL,
	"timing" text NOT NULL,
	"days_before" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"authorization" jsonb NOT NULL,
	"stopped_reason" text,
	"created_by_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"canceled_at" timestamp with time zone,
	CONSTRAINT "autopay_enrollments_limits" CHECK ("autopay_enrollments"."max_charge" > 0 and "autopay_enrollments"."days_before" between 0 and 30)
);
--> statement-breakpoint
ALTER TABLE "account_contacts" ADD COLUMN "role" text DEFAULT 'billing' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_contacts" ADD COLUMN "notifications" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "bank_verification" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "bank_verification_url" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "bank_verification_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "brand" text;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "last4" text;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "exp_month" integer;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "exp_year" integer;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "is_default" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "account_holder_type" text;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "stripe_mandate_id" text;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "mandate_text" text;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "mandate_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "verification" text DEFAULT 'verified' NOT NULL;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD COLUMN "expiry_notice_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "autopay_charges" ADD CONSTRAINT "autopay_charges_enrollment_id_autopay_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."autopay_enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_charges" ADD CONSTRAINT "autopay_charges_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_charges" ADD CONSTRAINT "autopay_charges_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_enrollments" ADD CONSTRAINT "autopay_enrollments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_enrollments" ADD CONSTRAINT "autopay_enrollments_saved_method_id_saved_payment_methods_id_fk" FOREIGN KEY ("saved_method_id") REFERENCES "public"."saved_payment_methods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_enrollments" ADD CONSTRAINT "autopay_enrollments_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "autopay_charges_enrollment_day_key" ON "autopay_charges" USING btree ("enrollment_id","charge_on");--> statement-breakpoint
CREATE INDEX "autopay_charges_account_idx" ON "autopay_charges" USING btree ("account_id","charge_on");--> statement-breakpoint
CREATE UNIQUE INDEX "autopay_enrollments_one_per_account_key" ON "autopay_enrollments" USING btree ("account_id") WHERE "autopay_enrollments"."status" <> 'canceled';--> statement-breakpoint
CREATE UNIQUE INDEX "saved_payment_methods_one_default_key" ON "saved_payment_methods" USING btree ("account_id") WHERE "saved_payment_methods"."is_default" and "saved_payment_methods"."removed_at" is null;--> statement-breakpoint
-- Cards saved before this migration: their last four digits are the end of their label ("Visa •••• 4242").
UPDATE "saved_payment_methods" SET "last4" = right("label", 4) WHERE "label" ~ '\d{4}$';
