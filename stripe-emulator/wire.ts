/**
 * Stripe's wire format: bracketed form bodies in, JSON objects, lists and errors out. Everything
 * here is independent of the resources so the same rules (messages, params, pagination, expand)
 * hold on every endpoint.
 */
import { randomBytes } from "node:crypto";
import qs from "qs";
import type Stripe from "stripe";

// ---------------------------------------------------------------------------------------------
// Errors

/** The body of `{ error: ... }` as Stripe sends it; the SDK builds its error classes from it. */
export interface RawError {
  type: "invalid_request_error" | "card_error" | "api_error" | "idempotency_error";
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: Stripe.PaymentIntent;
  setup_intent?: Stripe.SetupIntent;
  payment_method?: Stripe.PaymentMethod;
  request_log_url?: string;
}

/** An error answer. Thrown anywhere below a request handler, turned into JSON by the server. */
export class ApiError extends Error {
  /** The refusal is itself a recorded attempt (a wrong microdeposit answer): the server keeps its writes. */
  committed = false;

  constructor(
    readonly status: number,
    readonly raw: RawError,
  ) {
    super(raw.message);
  }
}

/** Marks a refusal whose changes (an attempt counted, an intent failed) must survive the error. */
export function committed(error: ApiError): ApiError {
  error.committed = true;
  return error;
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`;
}

export function invalid(message: string, param?: string, code?: string): ApiError {
  return new ApiError(400, { type: "invalid_request_error", message, ...(code ? { code, doc_url: docUrl(code) } : {}), ...(param ? { param } : {}) });
}

export function missingParam(param: string): ApiError {
  return invalid(`Missing required param: ${param}.`, param, "parameter_missing");
}

/** A referenced object that does not exist: 404 for the object in the URL, 400 for a parameter. */
export function noSuch(kind: string, id: string, param?: string): ApiError {
  return new ApiError(param ? 400 : 404, {
    type: "invalid_request_error",
    code: "resource_missing",
    doc_url: docUrl("resource_missing"),
    message: `No such ${kind}: '${id}'`,
    param: param ?? "id",
  });
}

export function unexpectedState(message: string, extra: Partial<RawError> = {}): ApiError {
  return new ApiError(400, { type: "invalid_request_error", code: "payment_intent_unexpected_state", doc_url: docUrl("payment_intent_unexpected_state"), message, ...extra });
}

// ---------------------------------------------------------------------------------------------
// Ids

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

/** `cus_` + 24 base62 characters, the way Stripe's ids look (and `cs_test_a1…` for sessions). */
export function newId(prefix: string): string {
  if (prefix === "cs_test_") return `cs_test_a1${randomString(56)}`;
  return `${prefix}${randomString(24)}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** qs with limits wide enough for Stripe's shapes (line_items up to 100, nested 5 deep). */
export function parseForm(body: string): Record<string, unknown> {
  return qs.parse(body, { depth: 10, arrayLimit: 1000, parameterLimit: 10_000 }) as Record<string, unknown>;
}

/** Form, JSON or empty: control endpoints accept both, the API accepts forms. */
export function parseBody(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body.trim()) return {};
  if (contentType?.includes("application/json")) {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : {};
  }
  return parseForm(body);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Key-order-independent JSON, to compare the params of two requests with one idempotency key. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

// ---------------------------------------------------------------------------------------------
// Params

interface StringOptions<T extends string> {
  required?: boolean;
  max?: number;
  oneOf?: readonly T[];
}

/**
 * Typed reads of a (nested) form object with Stripe's error messages, each naming the full
 * bracketed parameter (`line_items[0][price_data][currency]`). Empty strings read as "not given"
 * except where a caller asks `isEmpty` (unsetting in updates).
 */
export class Params {
  constructor(
    readonly data: Record<string, unknown>,
    readonly prefix = "",
  ) {}

  path(name: string): string {
    return this.prefix ? `${this.prefix}[${name}]` : name;
  }

  has(name: string): boolean {
    return this.data[name] !== undefined;
  }

  /** Present as `name=` — Stripe's way to unset a field. */
  isEmpty(name: string): boolean {
    return this.data[name] === "";
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  /** Unknown parameters are an error on Stripe; catching misspelt params is half the value of a test double. */
  allowOnly(names: readonly string[]): this {
    for (const key of Object.keys(this.data)) {
      if (key !== "expand" && !names.includes(key)) throw invalid(`Received unknown parameter: ${this.path(key)}`, this.path(key), "parameter_unknown");
    }
    return this;
  }

  string<T extends string = string>(name: string, options: StringOptions<T> & { required: true }): T;
  string<T extends string = string>(name: string, options?: StringOptions<T>): T | undefined;
  string<T extends string = string>(name: string, options: StringOptions<T> = {}): T | undefined {
    const value = this.data[name];
    if (value === undefined || value === "") {
      if (options.required) throw missingParam(this.path(name));
      return undefined;
    }
    if (typeof value !== "string") throw invalid(`Invalid string: ${this.path(name)} must be a string`, this.path(name), "parameter_invalid_string");
    if (options.max !== undefined && value.length > options.max) {
      throw invalid(`Invalid ${this.path(name)}: must be at most ${options.max} characters`, this.path(name), "parameter_invalid_string");
    }
    if (options.oneOf && !options.oneOf.includes(value as T)) {
      throw invalid(`Invalid ${this.path(name)}: must be one of ${options.oneOf.join(", ")}`, this.path(name), "parameter_invalid_string");
    }
    return value as T;
  }

  int(name: string, options: { required: true; min?: number; max?: number }): number;
  int(name: string, options?: { required?: boolean; min?: number; max?: number }): number | undefined;
  int(name: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const value = this.data[name];
    if (value === undefined || value === "") {
      if (options.required) throw missingParam(this.path(name));
      return undefined;
    }
    const text = String(value);
    if (!/^-?\d+$/.test(text)) throw invalid(`Invalid integer: ${text}`, this.path(name), "parameter_invalid_integer");
    const n = Number(text);
    if (options.min !== undefined && n < options.min) throw invalid(`This value must be greater than or equal to ${options.min}.`, this.path(name), "parameter_invalid_integer");
    if (options.max !== undefined && n > options.max) throw invalid(`This value must be less than or equal to ${options.max}.`, this.path(name), "parameter_invalid_integer");
    return n;
  }

  bool(name: string): boolean | undefined {
    const value = this.data[name];
    if (value === undefined || value === "") return undefined;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw invalid(`Invalid boolean: ${String(value)}`, this.path(name), "parameter_invalid_boolean");
  }

  object(name: string, options: { required?: boolean } = {}): Params | undefined {
    const value = this.data[name];
    if (value === undefined || value === "") {
      if (options.required) throw missingParam(this.path(name));
      return undefined;
    }
    if (Array.isArray(value)) return new Params(Object.fromEntries(value.map((v, i) => [String(i), v])), this.path(name));
    if (!isRecord(value)) throw invalid(`Invalid object`, this.path(name), "parameter_invalid_object");
    return new Params(value, this.path(name));
  }

  /** Arrays arrive as `a[0]=` (SDK), `a[]=` (curl) or a single `a=` value. */
  array(name: string, options: { required?: boolean } = {}): unknown[] | undefined {
    const value = this.data[name];
    if (value === undefined || value === "") {
      if (options.required) throw missingParam(this.path(name));
      return undefined;
    }
    if (Array.isArray(value)) return value;
    if (isRecord(value)) return Object.keys(value).sort((a, b) => Number(a) - Number(b)).map((k) => value[k]);
    return [value];
  }

  stringArray<T extends string = string>(name: string, options: { required?: boolean; oneOf?: readonly T[] } = {}): T[] | undefined {
    const values = this.array(name, options);
    if (!values) return undefined;
    return values.map((v, i) => {
      const path = `${this.path(name)}[${i}]`;
      if (typeof v !== "string") throw invalid(`Invalid array`, path, "parameter_invalid_string");
      if (options.oneOf && !options.oneOf.includes(v as T)) throw invalid(`Invalid ${path}: must be one of ${options.oneOf.join(", ")}`, path, "parameter_invalid_string");
      return v as T;
    });
  }

  /** Each element of an array of objects, as Params named `name[i]`. */
  objects(name: string, options: { required?: boolean } = {}): Params[] | undefined {
    const values = this.array(name, options);
    if (!values) return undefined;
    return values.map((v, i) => {
      const path = `${this.path(name)}[${i}]`;
      if (!isRecord(v)) throw invalid(`Invalid object`, path, "parameter_invalid_object");
      return new Params(v, path);
    });
  }

  /**
   * Metadata as Stripe validates it. Returns `null` for `metadata=` (unset all), or the pairs
   * given (an empty value means "unset this key" to `mergeMetadata`).
   */
  metadata(name = "metadata"): Record<string, string> | null | undefined {
    const value = this.data[name];
    const path = this.path(name);
    if (value === undefined) return undefined;
    if (value === "") return null;
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : isRecord(value) ? Object.entries(value) : [];
    if (!Array.isArray(value) && !isRecord(value)) throw invalid(`Invalid metadata: metadata must be a set of key-value pairs`, path, "parameter_invalid_object");
    if (entries.length > 50) throw invalid(`Invalid metadata: metadata can have up to 50 keys, but you passed in ${entries.length} keys.`, path, "parameter_invalid_object");
    const out: Record<string, string> = {};
    for (const [key, v] of entries) {
      const keyPath = `${path}[${key}]`;
      if (key.includes("[") || key.includes("]")) throw invalid(`Invalid metadata: keys can't contain '[' or ']' (${key}).`, keyPath, "parameter_invalid_string");
      if (key.length > 40) throw invalid(`Invalid metadata: keys can have up to 40 characters, but '${key}' has ${key.length}.`, keyPath, "parameter_invalid_string");
      if (key.length === 0) throw invalid(`Invalid metadata: keys can't be empty.`, keyPath, "parameter_invalid_string");
      if (typeof v !== "string") throw invalid(`Invalid metadata: values must be strings (${key}).`, keyPath, "parameter_invalid_string");
      if (v.length > 500) throw invalid(`Invalid metadata: values can have up to 500 characters, but the value of '${key}' has ${v.length}.`, keyPath, "parameter_invalid_string");
      out[key] = v;
    }
    return out;
  }
}

/** Applies a metadata update: `null` clears everything, empty values remove their key. */
export function mergeMetadata(current: Stripe.Metadata | null, update: Record<string, string> | null | undefined): Stripe.Metadata {
  if (update === undefined) return { ...(current ?? {}) };
  if (update === null) return {};
  const next: Stripe.Metadata = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(update)) {
    if (v === "") delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > 50) throw invalid(`Invalid metadata: metadata can have up to 50 keys, but this update would leave ${Object.keys(next).length} keys.`, "metadata", "parameter_invalid_object");
  return next;
}

/** New metadata on create: empty values are simply dropped. */
export function createMetadata(update: Record<string, string> | null | undefined): Stripe.Metadata {
  return mergeMetadata({}, update ?? {});
}

// ---------------------------------------------------------------------------------------------
// Lists

/** `created` filters: an exact timestamp or a `{gt,gte,lt,lte}` range. */
export function createdFilter(params: Params): (created: number) => boolean {
  if (!params.has("created")) return () => true;
  const raw = params.data.created;
  if (!isRecord(raw)) {
    const exact = params.int("created");
    return (c) => c === exact;
  }
  const range = params.object("created")!.allowOnly(["gt", "gte", "lt", "lte"]);
  const gt = range.int("gt");
  const gte = range.int("gte");
  const lt = range.int("lt");
  const lte = range.int("lte");
  return (c) => (gt === undefined || c > gt) && (gte === undefined || c >= gte) && (lt === undefined || c < lt) && (lte === undefined || c <= lte);
}

export const PAGINATION_PARAMS = ["limit", "starting_after", "ending_before"] as const;

/**
 * A page of `items` (already newest first) as a Stripe list. `starting_after` pages towards older
 * objects, `ending_before` towards newer ones, both exclusive.
 */
export function paginate<T extends { id: string }>(items: T[], params: Params, url: string): Stripe.ApiList<T> {
  const limit = params.int("limit", { min: 1, max: 100 }) ?? 10;
  const startingAfter = params.string("starting_after");
  const endingBefore = params.string("ending_before");
  if (startingAfter && endingBefore) throw invalid("You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
  let data: T[];
  let hasMore: boolean;
  if (startingAfter) {
    const index = items.findIndex((i) => i.id === startingAfter);
    if (index < 0) throw noSuch(objectName(startingAfter), startingAfter, "starting_after");
    const rest = items.slice(index + 1);
    data = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (endingBefore) {
    const index = items.findIndex((i) => i.id === endingBefore);
    if (index < 0) throw noSuch(objectName(endingBefore), endingBefore, "ending_before");
    const before = items.slice(0, index);
    data = before.slice(Math.max(0, before.length - limit));
    hasMore = before.length > limit;
  } else {
    data = items.slice(0, limit);
    hasMore = items.length > limit;
  }
  return { object: "list", data, has_more: hasMore, url };
}

const NAMES: [string, string][] = [
  ["cus_", "customer"],
  ["pm_", "PaymentMethod"],
  ["pi_", "payment_intent"],
  ["seti_", "setupintent"],
  ["cs_", "checkout.session"],
  ["ch_", "charge"],
  ["py_", "charge"],
  ["re_", "refund"],
  ["mandate_", "mandate"],
  ["dp_", "dispute"],
  ["evt_", "event"],
  ["txn_", "balance transaction"],
];

/** The noun Stripe uses in "No such …" messages for an id. */
export function objectName(id: string): string {
  return NAMES.find(([prefix]) => id.startsWith(prefix))?.[1] ?? "object";
}

// ---------------------------------------------------------------------------------------------
// Expand

export interface ExpandSources {
  /** The stored object an id names, or undefined. */
  resolve(id: string): object | undefined;
  /** Fields that are absent unless expanded (`line_items` on a session, `refunds` on a charge). */
  include(object: Record<string, unknown>, field: string): unknown;
}

/** Reads `expand[]` (array, indexed or single value) and checks the 4-level depth limit. */
export function expandPaths(params: Params): string[] {
  const paths = params.stringArray("expand") ?? [];
  for (const path of paths) {
    if (path.split(".").length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, "expand");
  }
  return paths;
}

/**
 * What Stripe lets `expand` reach, per object type (the SDK's `string | Stripe.X` fields at
 * 2026-10-28): field path → the type of the object it names. `+` marks an includable field,
 * absent unless expanded; `list:x` a list of x; `*` any type (polymorphic). Anything else is
 * refused as Stripe refuses it, so an expand that works here works on Stripe.
 */
const EXPANDABLE: Record<string, Record<string, string>> = {
  customer: {
    default_source: "*",
    "invoice_settings.default_payment_method": "payment_method",
    test_clock: "test_helpers.test_clock",
    cash_balance: "+cash_balance",
    invoice_credit_balance: "+invoice_credit_balance",
    sources: "+list:*",
    subscriptions: "+list:subscription",
    tax: "+tax",
    tax_ids: "+list:tax_id",
  },
  payment_intent: {
    application: "application",
    customer: "customer",
    latest_charge: "charge",
    on_behalf_of: "account",
    payment_method: "payment_method",
    payment_record: "payment_record",
    review: "review",
    source: "*",
    "transfer_data.destination": "account",
  },
  "checkout.session": {
    "automatic_tax.liability.account": "account",
    customer: "customer",
    invoice: "invoice",
    "invoice_creation.invoice_data.issuer.account": "account",
    line_items: "+list:item",
    payment_intent: "payment_intent",
    payment_link: "payment_link",
    setup_intent: "setup_intent",
    "shipping_cost.shipping_rate": "shipping_rate",
    subscription: "subscription",
  },
  charge: {
    application: "application",
    application_fee: "application_fee",
    balance_transaction: "balance_transaction",
    customer: "customer",
    failure_balance_transaction: "balance_transaction",
    on_behalf_of: "account",
    "outcome.rule": "radar.rule",
    payment_intent: "payment_intent",
    "payment_method_details.card.mandate": "mandate",
    "payment_method_details.us_bank_account.mandate": "mandate",
    refunds: "+list:refund",
    review: "review",
    source_transfer: "transfer",
    transfer: "transfer",
    "transfer_data.destination": "account",
  },
  setup_intent: {
    application: "application",
    customer: "customer",
    latest_attempt: "setup_attempt",
    mandate: "mandate",
    on_behalf_of: "account",
    payment_method: "payment_method",
    single_use_mandate: "mandate",
  },
  setup_attempt: { application: "application", customer: "customer", on_behalf_of: "account", payment_method: "payment_method", setup_intent: "setup_intent" },
  refund: {
    balance_transaction: "balance_transaction",
    charge: "charge",
    customer: "customer",
    failure_balance_transaction: "balance_transaction",
    payment_intent: "payment_intent",
    payment_method: "payment_method",
    source_transfer_reversal: "transfer_reversal",
    transfer_reversal: "transfer_reversal",
  },
  mandate: { payment_method: "payment_method" },
  payment_method: { customer: "customer", "card.generated_from.setup_attempt": "setup_attempt", "sepa_debit.generated_from.charge": "charge", "sepa_debit.generated_from.setup_attempt": "setup_attempt" },
  dispute: {
    charge: "charge",
    payment_intent: "payment_intent",
    ...Object.fromEntries(
      ["cancellation_policy", "customer_communication", "customer_signature", "duplicate_charge_documentation", "receipt", "refund_policy", "service_documentation", "shipping_documentation", "uncategorized_file"].map((f) => [`evidence.${f}`, "file"]),
    ),
  },
  balance_transaction: { source: "*" },
  item: { "price.product": "product" },
  event: {},
};

function cannotExpand(path: string, hint?: string): ApiError {
  // Stripe's body carries no param or code here, only the message.
  return new ApiError(400, { type: "invalid_request_error", message: `This property cannot be expanded (${path}).${hint ? ` You may want to try expanding '${hint}' instead.` : ""}` });
}

/** Legal on Stripe, but the emulator doesn't hold that kind of object: say so rather than pretend. */
function emulatorCannotExpand(path: string, what: string): ApiError {
  return invalid(`The Stripe emulator cannot expand ${path}: it does not hold ${what} (Stripe would expand it).`, "expand");
}

/**
 * Replaces ids by the objects they name along each dot path, in a copy of `body`. Each path is
 * checked against Stripe's expandable fields of the type at that point, even where the reference
 * is null, so a path refused by Stripe is refused here whatever the data.
 */
export function applyExpand<T>(body: T, paths: string[], sources: ExpandSources): T {
  if (paths.length === 0 || !isRecord(body)) return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  const rootType = copy.object === "list" ? `list:${String((copy.data as { object?: string }[] | undefined)?.[0]?.object ?? "*")}` : String(copy.object);
  for (const path of paths) expandAt(copy, rootType, path.split("."), "", sources);
  return copy as T;
}

function expandAt(node: unknown, type: string, segments: string[], done: string, sources: ExpandSources): void {
  if (segments.length === 0) return;
  const present = isRecord(node) ? node : undefined;
  if (type === "*") {
    // Polymorphic: the object itself says what it is; without one nothing more can be checked.
    if (typeof present?.object !== "string") return;
    type = present.object;
  }
  if (type.startsWith("list:")) {
    const [first, ...rest] = segments;
    if (first !== "data") throw cannotExpand(`${done}${segments[0]}`, done === "" ? `data.${segments.join(".")}` : undefined);
    const items = Array.isArray(present?.data) ? (present.data as unknown[]) : [];
    const itemType = type.slice("list:".length);
    if (items.length === 0) expandAt(undefined, itemType, rest, `${done}data.`, sources);
    for (const item of items) expandAt(item, itemType, rest, `${done}data.`, sources);
    return;
  }
  // A kind of object the emulator never holds (account, review…): nothing here to check it against.
  if (!(type in EXPANDABLE)) return;
  const fields = EXPANDABLE[type]!;
  const known = Object.keys(fields);
  // The longest leading part of the path that is an expandable field of this type.
  let take = 0;
  for (let k = 1; k <= segments.length; k++) if (segments.slice(0, k).join(".") in fields) take = k;
  if (take === 0) {
    // Name the path up to the first segment that leads nowhere, as Stripe does.
    let upTo = 1;
    while (upTo < segments.length && known.some((f) => f.startsWith(`${segments.slice(0, upTo).join(".")}.`))) upTo += 1;
    throw cannotExpand(`${done}${segments.slice(0, upTo).join(".")}`);
  }
  const field = segments.slice(0, take).join(".");
  const rest = segments.slice(take);
  const includable = fields[field]!.startsWith("+");
  const target = fields[field]!.replace(/^\+/, "");

  // The object holding the reference (`transfer_data` for `transfer_data.destination`).
  let holder: Record<string, unknown> | undefined = present;
  for (const part of segments.slice(0, take - 1)) holder = holder && isRecord(holder[part]) ? holder[part] : undefined;
  const key = segments[take - 1]!;
  let value: unknown = holder?.[key];
  if (holder && value === undefined && includable) {
    const included = sources.include(holder, key);
    if (included === undefined) throw emulatorCannotExpand(`${done}${field}`, `${key} on a ${type}`);
    holder[key] = value = structuredClone(included);
  } else if (holder && typeof value === "string") {
    const resolved = sources.resolve(value);
    if (!resolved) throw emulatorCannotExpand(`${done}${field}`, `${target.startsWith("*") ? "the object" : `a ${target}`} ${value}`);
    holder[key] = value = structuredClone(resolved);
  }
  expandAt(isRecord(value) ? value : undefined, target, rest, `${done}${field}.`, sources);
}

// ---------------------------------------------------------------------------------------------
// Money

/** "$12.34", "€5.00", "¥500": the currency's own minor-unit exponent via Intl. */
export function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** The old values of the top-level fields that differ: `previous_attributes` of `*.updated` events. */
export function previousAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (stableStringify(b[key]) !== stableStringify(a[key])) changed[key] = b[key] ?? null;
  }
  return Object.keys(changed).length > 0 ? changed : undefined;
}

/** The object an id names in `collection`, or the 404 / 400 (when it came from `param`) Stripe gives. */
export function lookup<T>(collection: Record<string, T>, id: string, kind: string, param?: string): T {
  const found = collection[id];
  if (!found) throw noSuch(kind, id, param);
  return found;
}

/** The id of a reference that may have been expanded. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : value.id;
}
