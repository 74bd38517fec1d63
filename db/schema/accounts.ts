import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { newId } from "./ids";

/** Bill-to customers of the company running the portal. */
export const accounts = pgTable(
  "accounts",
  {
    id: text().primaryKey().$defaultFn(() => newId("acc")),
    externalId: text(),
    number: text().notNull(),
    name: text().notNull(),
    billingEmail: text(),
    currency: text().notNull().default("USD"),
    stripeCustomerId: text(),
    /** The customer's default payment terms, used when an invoice arrives without its own. */
    defaultNetDays: integer(),
    defaultDiscountBps: integer(),
    defaultDiscountDays: integer(),
    /** Whether the customer's contract allows late fees at all (off unless the AR team turns it on). */
    lateFeesAllowed: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("accounts_external_id_key").on(t.externalId),
    uniqueIndex("accounts_number_key").on(t.number),
    index("accounts_name_idx").on(sql`lower(${t.name})`),
  ],
);

export const userRoles = ["payer", "ar_agent", "ar_admin"] as const;
export type UserRole = (typeof userRoles)[number];

/** Anyone who signs in: payers (contacts of accounts) and AR staff. */
export const users = pgTable(
  "users",
  {
    id: text().primaryKey().$defaultFn(() => newId("usr")),
    email: text().notNull(),
    name: text().notNull(),
    role: text({ enum: userRoles }).notNull().default("payer"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    // Staff lists (assignees in the dispute queue, AR admins to notify) read the few staff among
    // every payer: without it each dispute-queue view scanned all users (9 ms at 100k payers).
    index("users_role_idx").on(t.role),
  ],
);

export const contactRoles = ["billing", "approver", "other"] as const;
export type ContactRole = (typeof contactRoles)[number];
/** The kinds of email a contact can turn off for themselves. */
export const notificationKinds = ["invoices", "reminders", "receipts", "disputes", "plans_autopay"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** A payer may pay for several accounts. */
export const accountContacts = pgTable(
  "account_contacts",
  {
    accountId: text()
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text(),
    /** Reminder emails: "to" (a billing contact), "cc" (copied, chosen by the AR team) or "none". */
    reminders: text({ enum: ["to", "cc", "none"] }).notNull().default("to"),
    /** The contact's role for the account: the billing/AP mailbox, an approver, or other. */
    role: text({ enum: contactRoles }).notNull().default("billing"),
    /** Which emails the contact chose to get (absent key = yes); see `notificationKinds`. */
    notifications: jsonb().$type<Partial<Record<NotificationKind, boolean>>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.userId] }), index("account_contacts_user_idx").on(t.userId)],
);

export type Account = typeof accounts.$inferSelect;
export type User = typeof users.$inferSelect;
