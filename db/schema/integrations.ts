import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { events } from "./events";
import { newId } from "./ids";

/** Back-office receivers of the portal's events (Standard Webhooks). */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text().primaryKey().$defaultFn(() => newId("we")),
  url: text().notNull(),
  description: text(),
  /** Event types delivered; empty = every type. */
  eventTypes: text().array().notNull().default(sql`'{}'::text[]`),
  /** "whsec_" + base64; shown once at creation/rotation. Kept to sign deliveries. */
  secret: text().notNull(),
  /** During a rotation the previous secret also signs, until this time. */
  previousSecret: text(),
  previousSecretExpiresAt: timestamp({ withTimezone: true }),
  enabled: boolean().notNull().default(true),
  disabledReason: text(),
  /** Deleted by an AR admin: hidden and never delivered to (also disabled); its deliveries stay for audit. */
  deletedAt: timestamp({ withTimezone: true }),
  createdByUserId: text().references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const deliveryStatuses = ["pending", "succeeded", "failed", "exhausted", "skipped"] as const;

/** One event to one endpoint, with its attempt history. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text().primaryKey().$defaultFn(() => newId("msg")),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text()
      .notNull()
      .references(() => events.id),
    status: text({ enum: deliveryStatuses }).notNull().default("pending"),
    attemptCount: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    lastStatusCode: integer(),
    lastError: text(),
    /** [{ at, statusCode, latencyMs, error }] — the delivery log shown to staff. */
    attempts: jsonb().$type<Array<{ at: string; statusCode: number | null; latencyMs: number; error: string | null }>>().notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    succeededAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_key").on(t.endpointId, t.eventId),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    // The batch deliverer claims due rows oldest first and finds the next retry: only pending rows
    // are indexed, so the index stays as small as the backlog however long the log grows.
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** Bearer keys for the /api/v1 API: only a hash is stored; the key is shown once. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text().primaryKey().$defaultFn(() => newId("key")),
    name: text().notNull(),
    /** First characters of the key, to recognise it in lists (e.g. "eipp_live_ab12"). */
    prefix: text().notNull(),
    keyHash: text().notNull(),
    scopes: text().array().notNull(),
    createdByUserId: text().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_hash_key").on(t.keyHash)],
);
