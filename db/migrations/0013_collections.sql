CREATE TABLE "account_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"author_id" text,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cadence_steps" (
	"id" text PRIMARY KEY NOT NULL,
	"cadence_id" text NOT NULL,
	"offset_days" integer NOT NULL,
	"channel" text DEFAULT 'email' NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cadence_steps_offset_range" CHECK ("cadence_steps"."offset_days" between -90 and 365)
);
--> statement-breakpoint
CREATE TABLE "cadences" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collection_policies" (
	"id" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"rules" jsonb NOT NULL,
	"updated_by_user_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collection_profiles" (
	"account_id" text PRIMARY KEY NOT NULL,
	"segment" text,
	"cadence_id" text,
	"collector_id" text,
	"on_hold" boolean DEFAULT false NOT NULL,
	"hold_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collection_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"due_on" date NOT NULL,
	"assignee_id" text,
	"status" text DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"invoice_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"promise_id" text,
	"dedupe_key" text,
	"outcome" text,
	"note" text,
	"completed_by_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pay_links" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"invoice_ids" text[] NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by_user_id" text,
	"open_count" integer DEFAULT 0 NOT NULL,
	"last_opened_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_promises" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL,
	"promised_for" date NOT NULL,
	"grace_days" integer NOT NULL,
	"balance_at_promise" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"source" text NOT NULL,
	"created_by_user_id" text,
	"pay_link_id" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "payment_promises_amount_positive" CHECK ("payment_promises"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "promise_invoices" (
	"promise_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	CONSTRAINT "promise_invoices_promise_id_invoice_id_pk" PRIMARY KEY("promise_id","invoice_id")
);
--> statement-breakpoint
CREATE TABLE "reminder_decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"step_id" text,
	"offset_days" integer NOT NULL,
	"channel" text NOT NULL,
	"run_on" date NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"amount_due" bigint NOT NULL,
	"amount_on_hold" bigint DEFAULT 0 NOT NULL,
	"pay_link_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"name" text PRIMARY KEY NOT NULL,
	"cadence_id" text,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_contacts" ADD COLUMN "reminders" text DEFAULT 'to' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_notes" ADD CONSTRAINT "account_notes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_notes" ADD CONSTRAINT "account_notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadence_steps" ADD CONSTRAINT "cadence_steps_cadence_id_cadences_id_fk" FOREIGN KEY ("cadence_id") REFERENCES "public"."cadences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_policies" ADD CONSTRAINT "collection_policies_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_profiles" ADD CONSTRAINT "collection_profiles_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_profiles" ADD CONSTRAINT "collection_profiles_segment_segments_name_fk" FOREIGN KEY ("segment") REFERENCES "public"."segments"("name") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "collection_profiles" ADD CONSTRAINT "collection_profiles_cadence_id_cadences_id_fk" FOREIGN KEY ("cadence_id") REFERENCES "public"."cadences"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_profiles" ADD CONSTRAINT "collection_profiles_collector_id_users_id_fk" FOREIGN KEY ("collector_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_tasks" ADD CONSTRAINT "collection_tasks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_tasks" ADD CONSTRAINT "collection_tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_tasks" ADD CONSTRAINT "collection_tasks_promise_id_payment_promises_id_fk" FOREIGN KEY ("promise_id") REFERENCES "public"."payment_promises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_tasks" ADD CONSTRAINT "collection_tasks_completed_by_user_id_users_id_fk" FOREIGN KEY ("completed_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pay_links" ADD CONSTRAINT "pay_links_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pay_links" ADD CONSTRAINT "pay_links_revoked_by_user_id_users_id_fk" FOREIGN KEY ("revoked_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_promises" ADD CONSTRAINT "payment_promises_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_promises" ADD CONSTRAINT "payment_promises_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_promises" ADD CONSTRAINT "payment_promises_pay_link_id_pay_links_id_fk" FOREIGN KEY ("pay_link_id") REFERENCES "public"."pay_links"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promise_invoices" ADD CONSTRAINT "promise_invoices_promise_id_payment_promises_id_fk" FOREIGN KEY ("promise_id") REFERENCES "public"."payment_promises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promise_invoices" ADD CONSTRAINT "promise_invoices_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_decisions" ADD CONSTRAINT "reminder_decisions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_decisions" ADD CONSTRAINT "reminder_decisions_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_decisions" ADD CONSTRAINT "reminder_decisions_step_id_cadence_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."cadence_steps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_cadence_id_cadences_id_fk" FOREIGN KEY ("cadence_id") REFERENCES "public"."cadences"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_notes_account_idx" ON "account_notes" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cadence_steps_offset_key" ON "cadence_steps" USING btree ("cadence_id","offset_days");--> statement-breakpoint
CREATE UNIQUE INDEX "cadences_name_key" ON "cadences" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "cadences_one_default_key" ON "cadences" USING btree ("is_default") WHERE "cadences"."is_default";--> statement-breakpoint
CREATE INDEX "collection_profiles_collector_idx" ON "collection_profiles" USING btree ("collector_id");--> statement-breakpoint
CREATE INDEX "collection_profiles_segment_idx" ON "collection_profiles" USING btree ("segment");--> statement-breakpoint
CREATE UNIQUE INDEX "collection_tasks_dedupe_key" ON "collection_tasks" USING btree ("account_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "collection_tasks_open_idx" ON "collection_tasks" USING btree ("due_on") WHERE "collection_tasks"."status" = 'open';--> statement-breakpoint
CREATE INDEX "collection_tasks_account_idx" ON "collection_tasks" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "pay_links_account_idx" ON "pay_links" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_promises_account_idx" ON "payment_promises" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_promises_open_idx" ON "payment_promises" USING btree ("promised_for") WHERE "payment_promises"."status" = 'open';--> statement-breakpoint
CREATE INDEX "promise_invoices_invoice_idx" ON "promise_invoices" USING btree ("invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reminder_decisions_sent_once_key" ON "reminder_decisions" USING btree ("invoice_id","offset_days") WHERE "reminder_decisions"."action" = 'send';--> statement-breakpoint
CREATE UNIQUE INDEX "reminder_decisions_skip_once_key" ON "reminder_decisions" USING btree ("invoice_id","offset_days","reason") WHERE "reminder_decisions"."action" = 'skip';--> statement-breakpoint
CREATE INDEX "reminder_decisions_account_idx" ON "reminder_decisions" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "reminder_decisions_run_idx" ON "reminder_decisions" USING btree ("run_on");--> statement-breakpoint
-- The cadences every portal starts with; AR admins edit them in /admin/collections/cadences.
INSERT INTO "cadences" ("id", "name", "description", "is_default") VALUES
  ('cad_standard', 'Standard', 'Every account without a segment or cadence of its own.', true),
  ('cad_gentle', 'Gentle', 'Good payers: a heads-up before the due date, then two nudges.', false),
  ('cad_firm', 'Firm', 'Risky accounts: more reminders, and calls from the collector.', false);--> statement-breakpoint
INSERT INTO "cadence_steps" ("id", "cadence_id", "offset_days", "channel", "subject", "body") VALUES
  ('cst_standard_m3', 'cad_standard', -3, 'email', 'Coming due: {{total_due}} to {{company_name}}', 'A friendly reminder that the invoices below for {{account_name}} fall due in the next few days. You can pay them online with the link below.'),
  ('cst_standard_0', 'cad_standard', 0, 'email', 'Due today: {{total_due}} to {{company_name}}', 'The invoices below for {{account_name}} are due today. If you have already paid, thank you, and please ignore this email.'),
  ('cst_standard_7', 'cad_standard', 7, 'email', 'Past due: {{total_due}} for {{account_name}}', 'Our records show the invoices below for {{account_name}} are past due. Please pay them with the link below, or reply to tell us when to expect payment.'),
  ('cst_standard_14', 'cad_standard', 14, 'email', 'Second notice: {{total_due}} past due for {{account_name}}', 'The invoices below for {{account_name}} are now {{days_late}} days past due. Please pay them today with the link below, or reply to this email if something is holding them up.'),
  ('cst_standard_30', 'cad_standard', 30, 'email', 'Final notice: {{total_due}} past due for {{account_name}}', 'The invoices below for {{account_name}} are {{days_late}} days past due. Please pay them now or contact us to agree on a date; otherwise we may have to hold further orders.'),
  ('cst_gentle_m3', 'cad_gentle', -3, 'email', 'Coming due: {{total_due}} to {{company_name}}', 'A friendly heads-up that the invoices below for {{account_name}} fall due soon. Thank you for paying on time.'),
  ('cst_gentle_7', 'cad_gentle', 7, 'email', 'A gentle reminder: {{total_due}} for {{account_name}}', 'The invoices below for {{account_name}} may have slipped through. You can pay them with the link below.'),
  ('cst_gentle_30', 'cad_gentle', 30, 'email', 'Past due: {{total_due}} for {{account_name}}', 'The invoices below for {{account_name}} are {{days_late}} days past due. Please pay them with the link below or let us know when to expect payment.'),
  ('cst_firm_m5', 'cad_firm', -5, 'email', 'Due soon: {{total_due}} to {{company_name}}', 'The invoices below for {{account_name}} fall due in five days. Please schedule payment now.'),
  ('cst_firm_0', 'cad_firm', 0, 'email', 'Due today: {{total_due}} to {{company_name}}', 'The invoices below for {{account_name}} are due today. Please pay them with the link below.'),
  ('cst_firm_3', 'cad_firm', 3, 'email', 'Past due: {{total_due}} for {{account_name}}', 'The invoices below for {{account_name}} are past due. Please pay them today.'),
  ('cst_firm_7', 'cad_firm', 7, 'call', 'Call {{account_name}} about {{total_due}} past due', 'Call the billing contact, confirm the invoices were received and agree on a payment date.'),
  ('cst_firm_14', 'cad_firm', 14, 'email', 'Second notice: {{total_due}} past due for {{account_name}}', 'The invoices below for {{account_name}} are {{days_late}} days past due. Please pay them now with the link below.'),
  ('cst_firm_21', 'cad_firm', 21, 'call', 'Escalation call: {{account_name}}, {{total_due}} past due', 'Call the account and escalate: ask for payment or a promise to pay this week.'),
  ('cst_firm_30', 'cad_firm', 30, 'email', 'Final notice: {{total_due}} past due for {{account_name}}', 'The invoices below for {{account_name}} are {{days_late}} days past due. Pay now or contact us today to avoid a hold on your account.');
