import { randomBytes } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema/audit";
import { events } from "#db/schema/events";
import { apiKeys } from "#db/schema/integrations";
import { db, sqlClient } from "~/db.server";
import { sha256 } from "~/modules/auth/secrets.server";
import { loader as getEventLoader } from "~/routes/api.v1.events.$eventId";
import { loader as eventsLoader } from "~/routes/api.v1.events._index";
import { loader as openApiLoader } from "~/routes/api.v1.openapi[.]json";
import type { ApiKeyActor, StaffActor } from "~/modules/auth/actor";
import { isProblem, type Problem } from "~/utils/problem";
import { testData } from "../../../test/helpers";
import { authenticateApiKey } from "./authenticate-api-key.server";
import { createApiKey } from "./create-api-key.server";
import { decodeCursor, encodeCursor } from "./cursor";
import { getEvent } from "./get-event.server";
import { listEvents, parseFeedQuery } from "./list-events.server";
import { buildOpenApiDocument } from "./openapi";
import { revokeApiKey } from "./revoke-api-key.server";
import { API_SCOPES, type ApiScope } from "./scopes";

let staff: StaffActor;
let readerKey: string;
const reader: ApiKeyActor = { kind: "api_key", keyId: "key_feed_reader", name: "Feed reader", scopes: ["events:read"], ip: null };

/** Data, or the test fails with the Problem's message. */
function ok<T>(value: T | Problem): T {
  if (isProblem(value)) throw new Error(`${value.kind}: ${value.message}`);
  return value;
}

/** One page of the feed, read as a key with events:read. */
const feedPage = async (params: Record<string, string>) => ok(await listEvents(reader, ok(parseFeedQuery(new URLSearchParams(params)))));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const apiRequest = (path: string, key?: string) => new Request(`http://localhost:3999${path}`, { headers: key ? { Authorization: `Bearer ${key}` } : undefined });

async function newKey(scopes: ApiScope[], name = "Test ERP"): Promise<string> {
  return ok(await createApiKey(staff, { name, scopes })).key;
}

/** The thrown Response of a call expected to fail. */
async function rejection(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

async function callLoader(loader: (args: never) => Promise<Response> | Response, path: string, key?: string, params: Record<string, string> = {}): Promise<Response> {
  try {
    return await loader({ request: apiRequest(path, key), params, context: {} } as never);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

/** Writes one test event through a postgres.js executor (a pool, a connection or a transaction). */
async function insertEvent(exec: postgres.Sql | postgres.TransactionSql, tag: string): Promise<string> {
  const id = `ev_test_${randomBytes(8).toString("hex")}`;
  await exec`insert into events (id, type, subject_type, subject_id, data) values (${id}, 'test.event', 'test', ${tag}, ${JSON.stringify({ tag })}::jsonb)`;
  return id;
}

/** Reads the feed page by page from `cursor` until it has nothing more right now. */
async function readAll(cursor: string, limit = 50): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  for (;;) {
    const page = await feedPage({ after: cursor, limit: String(limit) });
    ids.push(...page.data.map((e) => e.id));
    cursor = page.next_cursor;
    if (!page.has_more) return { ids, cursor };
  }
}

/** Keeps reading until `done(ids)` holds (other databases' transactions can hold back the horizon briefly). */
async function readUntil(cursor: string, done: (ids: string[]) => boolean, timeoutMs = 10_000): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await readAll(cursor);
    ids.push(...page.ids);
    cursor = page.cursor;
    if (done(ids) || Date.now() > deadline) return { ids, cursor };
    await sleep(20);
  }
}

beforeAll(async () => {
  const admin = await (await testData()).staff("ar_admin");
  staff = { kind: "staff", userId: admin.id, role: "ar_admin", ip: "203.0.113.9" };
  readerKey = await newKey(["events:read"]);
});

describe("API keys", () => {
  it("creates a key of the documented format, stores only its hash, and audits", async () => {
    const result = ok(await createApiKey(staff, { name: "  Back office  ", scopes: ["events:read", "invoices:read"] }));
    expect(result.key).toMatch(/^eipp_[A-Za-z0-9_-]{40}$/);
    expect(result.prefix).toBe(result.key.slice(0, 12));
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, result.id));
    expect(row).toMatchObject({ name: "Back office", prefix: result.prefix, keyHash: sha256(result.key), scopes: ["events:read", "invoices:read"], createdByUserId: staff.userId, revokedAt: null, lastUsedAt: null });
    expect(JSON.stringify(row)).not.toContain(result.key);
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, result.id));
    expect(audits.map((a) => a.action)).toEqual(["api_key.created"]);
    expect(JSON.stringify(audits)).not.toContain(result.key);
  });

  it("refuses a key without a name or scopes, or with an unknown scope", async () => {
    expect(await createApiKey(staff, { name: " ", scopes: [] })).toMatchObject({ kind: "invalid", fields: { name: "Give the key a name, e.g. the system that will use it.", scopes: "Choose at least one scope." } });
    expect(await createApiKey(staff, { name: "x", scopes: ["admin:all"] })).toMatchObject({ kind: "invalid", fields: { scopes: expect.stringContaining("unknown: admin:all") } });
    expect(API_SCOPES).toEqual(["events:read", "invoices:read", "invoices:write", "customers:read", "customers:write", "metrics:read"]);
  });

  it("answers 401 for a missing, malformed or unknown key, with WWW-Authenticate: Bearer", async () => {
    const unknown = `eipp_${randomBytes(30).toString("base64url")}`;
    for (const headers of [{} as Record<string, string>, { Authorization: "Basic dXNlcjpwYXNz" }, { Authorization: "Bearer nope" }, { Authorization: `Bearer ${unknown}` }]) {
      const res = await rejection(authenticateApiKey(new Request("http://localhost/api/v1/events", { headers }), "events:read"));
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(res.headers.get("Content-Type")).toContain("application/json");
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
  });

  it("answers 401 once a key is revoked, and audits the revocation", async () => {
    const key = await newKey(["events:read"], "Soon revoked");
    expect((await callLoader(eventsLoader, "/api/v1/events", key)).status).toBe(200);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, sha256(key)));
    expect(await revokeApiKey(staff, { keyId: row!.id })).toMatchObject({ id: row!.id, name: "Soon revoked" });
    expect(await revokeApiKey(staff, { keyId: row!.id })).toMatchObject({ kind: "not_found", message: "This key does not exist or is already revoked." });
    const res = await callLoader(eventsLoader, "/api/v1/events", key);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, row!.id));
    expect(audits.map((a) => a.action).sort()).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("refuses the feed to a key without events:read in the use case too (not only at the HTTP gate)", async () => {
    const invoicesOnly: ApiKeyActor = { ...reader, scopes: ["invoices:read"] };
    expect(await listEvents(invoicesOnly, ok(parseFeedQuery(new URLSearchParams())))).toMatchObject({ kind: "forbidden", code: "insufficient_scope" });
    expect(await getEvent(invoicesOnly, "ev_anything")).toMatchObject({ kind: "forbidden", code: "insufficient_scope" });
  });

  it("answers 403 insufficient_scope when the key lacks the scope", async () => {
    const key = await newKey(["invoices:read"], "Invoices only");
    const res = await callLoader(eventsLoader, "/api/v1/events", key);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "insufficient_scope", message: expect.stringContaining("events:read") } });
  });

  it("records lastUsedAt at most once a minute", async () => {
    const key = await newKey(["events:read"], "Busy");
    const [before] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, sha256(key)));
    expect(before!.lastUsedAt).toBeNull();
    const first = await authenticateApiKey(apiRequest("/api/v1/events", key), "events:read");
    expect(first).toMatchObject({ kind: "api_key", keyId: before!.id, name: "Busy", scopes: ["events:read"] });
    const [after1] = await db.select().from(apiKeys).where(eq(apiKeys.id, first.keyId));
    expect(after1!.lastUsedAt).toBeInstanceOf(Date);
    await authenticateApiKey(apiRequest("/api/v1/events", key), "events:read");
    const [after2] = await db.select().from(apiKeys).where(eq(apiKeys.id, first.keyId));
    expect(after2!.lastUsedAt!.getTime()).toBe(after1!.lastUsedAt!.getTime());
    await db.update(apiKeys).set({ lastUsedAt: new Date(Date.now() - 61_000) }).where(eq(apiKeys.id, first.keyId));
    await authenticateApiKey(apiRequest("/api/v1/events", key), "events:read");
    const [after3] = await db.select().from(apiKeys).where(eq(apiKeys.id, first.keyId));
    expect(after3!.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
  });
});

describe("GET /api/v1/events", () => {
  it("pages through every committed event exactly once, in (txid, seq) order", async () => {
    const written: string[] = [];
    for (let i = 0; i < 23; i++) written.push(await insertEvent(sqlClient(), `page-${i}`));
    const all = await db.select({ id: events.id }).from(events).orderBy(events.txid, events.seq);
    expect(all.length).toBeGreaterThanOrEqual(23);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 1000; guard++) {
      const res = await callLoader(eventsLoader, `/api/v1/events?limit=3${cursor ? `&after=${cursor}` : ""}`, readerKey);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: Array<{ id: string; subject: { type: string; id: string }; created_at: string }>; next_cursor: string; has_more: boolean };
      expect(body.data.length).toBeLessThanOrEqual(3);
      seen.push(...body.data.map((e) => e.id));
      cursor = body.next_cursor;
      // A transaction elsewhere in the cluster may hold the horizon back for a moment: poll on.
      if (!body.has_more && seen.length >= all.length) break;
      if (!body.has_more) await sleep(20);
    }
    expect(seen).toEqual(all.map((e) => e.id));
    // Nothing new: the same cursor comes back with no data.
    const again = (await (await callLoader(eventsLoader, `/api/v1/events?after=${cursor}`, readerKey)).json()) as { data: unknown[]; next_cursor: string; has_more: boolean };
    expect(again).toEqual({ data: [], next_cursor: cursor, has_more: false });
  });

  it("serves the documented event shape and single events by id", async () => {
    const id = await insertEvent(sqlClient(), "shape");
    const { ids } = await readUntil(encodeCursor({ txid: 0, seq: 0 }), (seen) => seen.includes(id));
    expect(ids).toContain(id);
    const res = await callLoader(getEventLoader, `/api/v1/events/${id}`, readerKey, { eventId: id });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ id, type: "test.event", created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), account_id: null, subject: { type: "test", id: "shape" }, data: { tag: "shape" } });
    const missing = await callLoader(getEventLoader, "/api/v1/events/ev_nope", readerKey, { eventId: "ev_nope" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await callLoader(getEventLoader, `/api/v1/events/${id}`, undefined, { eventId: id })).status).toBe(401);
  });

  it("answers 400 with a clear message for a bad cursor or limit", async () => {
    for (const query of ["after=garbage!", `after=${Buffer.from("1.x").toString("base64url")}`, "limit=0", "limit=501", "limit=abc", "limit=2.5"]) {
      const res = await callLoader(eventsLoader, `/api/v1/events?${query}`, readerKey);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(query.startsWith("after") ? /cursor/ : /limit/);
    }
    expect(ok(parseFeedQuery(new URLSearchParams())).limit).toBe(100);
    expect(ok(parseFeedQuery(new URLSearchParams({ limit: "500" }))).limit).toBe(500);
    expect(parseFeedQuery(new URLSearchParams({ limit: "0" }))).toMatchObject({ kind: "invalid", code: "invalid_request" });
    expect(decodeCursor(encodeCursor({ txid: 123, seq: 456 }))).toEqual({ txid: 123, seq: 456 });
  });

  it("never skips an event of a transaction that commits after later ones (long transaction)", async () => {
    const start = await readUntil(encodeCursor({ txid: 0, seq: 0 }), () => true);
    const before = await insertEvent(sqlClient(), "before");
    const { cursor } = await readUntil(start.cursor, (ids) => ids.includes(before));

    const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let longId!: string;
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((r) => (inserted = r));
    const longTx = other.begin(async (tx) => {
      longId = await insertEvent(tx, "long");
      inserted();
      await gate;
    });
    try {
      await insertedOnce;
      const later1 = await insertEvent(sqlClient(), "later-1");
      const later2 = await insertEvent(sqlClient(), "later-2");
      // The later events are committed and have higher seq... but the long one has the lower seq and is not visible yet.
      const committed = await db.select({ id: events.id, seq: events.seq, txid: events.txid }).from(events).where(inArray(events.id, [later1, later2, longId]));
      expect(committed.map((e) => e.id).sort()).toEqual([later1, later2].sort());

      const whileOpen = await readAll(cursor, 1);
      expect(whileOpen.ids).not.toContain(later1);
      expect(whileOpen.ids).not.toContain(later2);
      expect(whileOpen.ids).toEqual([]);
      expect(whileOpen.cursor).toBe(cursor);

      release();
      await longTx;
      const afterCommit = await readUntil(whileOpen.cursor, (ids) => ids.includes(later2) && ids.includes(longId));
      expect(afterCommit.ids).toEqual([longId, later1, later2]);
      // Reading on finds nothing more: each event appeared exactly once.
      expect((await readAll(afterCommit.cursor)).ids).toEqual([]);
    } finally {
      release();
      await longTx.catch(() => {});
      await other.end({ timeout: 5 });
    }
  });

  it("delivers every committed event exactly once with concurrent writers (randomized)", async () => {
    const start = await readUntil(encodeCursor({ txid: 0, seq: 0 }), () => true);
    const WRITERS = 5;
    const TXS = 8;
    const connections = Array.from({ length: WRITERS }, () => postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} }));
    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    let writing = true;

    const writers = connections.map(async (conn, w) => {
      for (let t = 0; t < TXS; t++) {
        const ids: string[] = [];
        const abort = Math.random() < 0.15;
        try {
          await conn.begin(async (tx) => {
            await tx`select pg_current_xact_id()`; // take the xid early, as a real transaction doing other work first would
            await sleep(Math.random() * 25);
            const count = 1 + Math.floor(Math.random() * 3);
            for (let i = 0; i < count; i++) {
              ids.push(await insertEvent(tx, `w${w}-t${t}-${i}`));
              await sleep(Math.random() * 10);
            }
            if (abort) throw new Error("rollback");
          });
          ids.forEach((id) => committed.add(id));
        } catch (error) {
          if (!abort) throw error;
          ids.forEach((id) => rolledBack.add(id));
        }
        await sleep(Math.random() * 10);
      }
    });
    const allWritten = Promise.all(writers).finally(() => (writing = false));

    const seen: string[] = [];
    const seenSet = new Set<string>();
    let cursor = start.cursor;
    const deadline = Date.now() + 15_000;
    try {
      while ((writing || seenSet.size < committed.size) && Date.now() < deadline) {
        const page = await feedPage({ after: cursor, limit: String(1 + Math.floor(Math.random() * 7)) });
        for (const e of page.data) {
          expect(seenSet.has(e.id), `duplicate ${e.id}`).toBe(false);
          seenSet.add(e.id);
          seen.push(e.id);
        }
        cursor = page.next_cursor;
        if (!page.has_more) await sleep(Math.random() * 5);
      }
      await allWritten;
    } finally {
      await Promise.all(connections.map((c) => c.end({ timeout: 5 })));
    }
    expect(committed.size).toBeGreaterThan(WRITERS * TXS * 0.5);
    // No gaps: every committed event seen, nothing rolled back, nothing else.
    expect([...seenSet].sort()).toEqual([...committed].sort());
    for (const id of rolledBack) expect(seenSet.has(id)).toBe(false);
    // In feed order: (txid, seq) ascending.
    const rows = await db.select({ id: events.id, txid: events.txid, seq: events.seq }).from(events).where(inArray(events.id, seen));
    const order = new Map(rows.map((r) => [r.id, r]));
    for (let i = 1; i < seen.length; i++) {
      const a = order.get(seen[i - 1]!)!;
      const b = order.get(seen[i]!)!;
      expect(a.txid < b.txid || (a.txid === b.txid && a.seq < b.seq)).toBe(true);
    }
  });
});

describe("OpenAPI document", () => {
  it("is served as OpenAPI 3.1 JSON with both paths, the error shape and the bearer scheme", async () => {
    const res = await openApiLoader();
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as {
      openapi: string;
      paths: Record<string, { get: { security: Array<Record<string, string[]>>; responses: Record<string, unknown> } }>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, { properties?: Record<string, unknown> }> };
      info: { description: string };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/events", "/api/v1/events/{id}"]));
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const path of [doc.paths["/api/v1/events"]!, doc.paths["/api/v1/events/{id}"]!]) {
      expect(path.get.security).toEqual([{ bearerAuth: ["events:read"] }]);
      expect(Object.keys(path.get.responses)).toEqual(expect.arrayContaining(["200", "401", "403"]));
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Error", "Event", "EventList"]));
    expect(Object.keys(doc.components.schemas.EventList!.properties!)).toEqual(["data", "next_cursor", "has_more"]);
    expect(Object.keys(doc.components.schemas.Event!.properties!)).toEqual(["id", "type", "created_at", "account_id", "subject", "data"]);
    for (const scope of API_SCOPES) expect(doc.info.description).toContain(scope);
    expect(JSON.stringify(doc)).toBe(JSON.stringify(buildOpenApiDocument()));
  });
});
