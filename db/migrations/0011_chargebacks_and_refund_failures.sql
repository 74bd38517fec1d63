CREATE TABLE "chargeback_allocations" (
	"chargeback_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "chargeback_allocations_chargeback_id_invoice_id_pk" PRIMARY KEY("chargeback_id","invoice_id"),
	CONSTRAINT "chargeback_allocations_amount_nonnegative" CHECK ("chargeback_allocations"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "chargebacks" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_id" text NOT NULL,
	"stripe_dispute_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"stripe_status" text NOT NULL,
	"reason" text NOT NULL,
	"method" text,
	"evidence_due_by" timestamp with time zone,
	"livemode" boolean DEFAULT false NOT NULL,
	"amount_withdrawn" bigint DEFAULT 0 NOT NULL,
	"amount_unapplied" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "chargebacks_amount_positive" CHECK ("chargebacks"."amount" > 0),
	CONSTRAINT "chargebacks_withdrawn_within_amount" CHECK ("chargebacks"."amount_withdrawn" >= 0 and "chargebacks"."amount_withdrawn" <= "chargebacks"."amount" and "chargebacks"."amount_unapplied" >= 0)
);
--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD COLUMN "amount_charged_back" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "amount_charged_back" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "chargeback_state" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "chargeback_allocations" ADD CONSTRAINT "chargeback_allocations_chargeback_id_chargebacks_id_fk" FOREIGN KEY ("chargeback_id") REFERENCES "public"."chargebacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chargeback_allocations" ADD CONSTRAINT "chargeback_allocations_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chargebacks" ADD CONSTRAINT "chargebacks_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chargebacks_stripe_dispute_key" ON "chargebacks" USING btree ("stripe_dispute_id");--> statement-breakpoint
CREATE INDEX "chargebacks_payment_idx" ON "chargebacks" USING btree ("payment_id");--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD CONSTRAINT "payment_allocations_charged_back_within" CHECK ("payment_allocations"."amount_charged_back" >= 0 and "payment_allocations"."amount_refunded" + "payment_allocations"."amount_charged_back" <= "payment_allocations"."amount");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_charged_back_within_amount" CHECK ("payments"."amount_charged_back" >= 0 and "payments"."amount_refunded" + "payments"."amount_charged_back" <= "payments"."amount");