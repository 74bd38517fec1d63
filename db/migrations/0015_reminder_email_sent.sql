ALTER TABLE "pay_links" ADD COLUMN "reminder_on" date;--> statement-breakpoint
ALTER TABLE "pay_links" ADD COLUMN "emailed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "pay_links_unsent_idx" ON "pay_links" USING btree ("reminder_on") WHERE "pay_links"."emailed_at" is null and "pay_links"."reminder_on" is not null;