CREATE TABLE "receivable_accounts" (
	"currency" text NOT NULL,
	"account_id" text NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "receivable_accounts_currency_account_id_pk" PRIMARY KEY("currency","account_id")
);
--> statement-breakpoint
CREATE INDEX "receivable_accounts_amount_idx" ON "receivable_accounts" USING btree ("currency","amount" DESC NULLS LAST);--> statement-breakpoint
-- What is folded already (rows not folded yet are added by the fold job as it folds them).
INSERT INTO "receivable_accounts" ("currency", "account_id", "amount")
SELECT currency, account_id, sum(amount) FROM receivable_entries WHERE folded AND measure = 'ar' GROUP BY currency, account_id;
