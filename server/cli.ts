/**
 * Operator commands, with the server's configuration (DATABASE_URL, or in development the
 * embedded PostgreSQL — used where the dev server runs it, started otherwise):
 *
 *   npm run -s cli -- api-key create --name NAME --scopes events:read,invoices:write
 *   npm run -s cli -- api-key revoke PREFIX
 *   npm run -s cli -- attachments copy --from postgres --to s3
 *
 * `create` prints the key alone on one line of stdout, once; every other message goes to
 * stderr, so `KEY=$(npm run -s cli -- api-key create …)` captures just the key.
 */
import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, parseBootstrapEnv, parseEnv, stripeEmulatorDefaults, withDevelopmentDefaults } from "../app/env.server";
import { API_SCOPES, API_SCOPE_DESCRIPTIONS, isApiScope } from "../app/modules/api/scopes";
import type { StorageDriver } from "../app/modules/storage/blob-storage.server";
import { migrateDatabase } from "../db/migrate";
import { databaseForTools } from "./bootstrap";

const usage = `Usage:
  npm run -s cli -- api-key create --name NAME --scopes SCOPE[,SCOPE…]
      Creates an API key and prints it once on stdout. Scopes:
${API_SCOPES.map((s) => `        ${s.padEnd(16)} ${API_SCOPE_DESCRIPTIONS[s]}`).join("\n")}
  npm run -s cli -- api-key revoke PREFIX
      Revokes the live key whose prefix (eipp_ + 7 characters, as listed in /admin/api-keys) is PREFIX.
  npm run -s cli -- attachments copy --from DRIVER --to DRIVER
      Copies every dispute file missing at the target storage (postgres, filesystem or s3, set up
      by ATTACHMENT_DIR and the S3_* settings), checking each copy by its SHA-256. Deletes nothing;
      run it again until it reports nothing missing, then switch ATTACHMENT_STORAGE and restart.`;

const DRIVERS: readonly StorageDriver[] = ["postgres", "filesystem", "s3"];
const isDriver = (value: string | undefined): value is StorageDriver => DRIVERS.includes(value as StorageDriver);

/** A mistake in the command: said on stderr with the usage, exit code 2. */
class UsageError extends Error {}

const say = (line: string) => process.stderr.write(`${line}\n`);

type Command = { action: "create"; name: string; scopes: string[] } | { action: "revoke"; prefix: string } | { action: "copy-attachments"; from: StorageDriver; to: StorageDriver };

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { name: { type: "string" }, scopes: { type: "string" }, from: { type: "string" }, to: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const [group, action, ...rest] = positionals;
  if (values.help || !group) throw new UsageError("");
  if (group === "attachments") {
    if (action !== "copy") throw new UsageError(action ? `Unknown attachments command "${action}": use copy.` : "Say what to do: attachments copy --from DRIVER --to DRIVER.");
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    for (const option of ["from", "to"] as const) {
      if (!isDriver(values[option])) throw new UsageError(`${values[option] ? `Unknown storage "${values[option]}"` : `Say where to copy ${option}`}: --${option} ${DRIVERS.join(", ")}.`);
    }
    const { from, to } = values as { from: StorageDriver; to: StorageDriver };
    if (from === to) throw new UsageError(`--from and --to are both "${from}": copy from one storage to another.`);
    return { action: "copy-attachments", from, to };
  }
  if (group !== "api-key") throw new UsageError(`Unknown command "${group}".`);
  if (action === "create") {
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    if (!values.name?.trim()) throw new UsageError("Give the key a name: --name NAME (e.g. the system that will use it).");
    const scopes = (values.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (scopes.length === 0) throw new UsageError(`Give at least one scope: --scopes ${API_SCOPES[0]},… (one of ${API_SCOPES.join(", ")}).`);
    const unknown = scopes.filter((s) => !isApiScope(s));
    if (unknown.length) throw new UsageError(`Unknown scope${unknown.length > 1 ? "s" : ""} ${unknown.map((s) => `"${s}"`).join(", ")}: choose from ${API_SCOPES.join(", ")}.`);
    return { action, name: values.name, scopes };
  }
  if (action === "revoke") {
    if (rest.length !== 1) throw new UsageError("Give the prefix of the key to revoke: api-key revoke eipp_xxxxxxx.");
    return { action, prefix: rest[0]! };
  }
  throw new UsageError(action ? `Unknown api-key command "${action}": use create or revoke.` : "Say what to do: api-key create or api-key revoke.");
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"))) throw e;
    if ((e as Error).message) say((e as Error).message);
    say(usage);
    return 2;
  }

  // The server's configuration: same defaults, same validation (Stripe is not called here).
  const resolved = withDevelopmentDefaults(process.env);
  if (resolved.NODE_ENV !== "production" && !resolved.STRIPE_SECRET_KEY) Object.assign(resolved, stripeEmulatorDefaults(parseBootstrapEnv(resolved).STRIPE_EMULATOR_PORT));
  const database = await databaseForTools(resolved, say);
  try {
    if (!resolved.DATABASE_URL) {
      resolved.DATABASE_URL = database.url;
      await migrateDatabase(database.url); // a fresh embedded database, as the server would
    }
    // Copying to or from S3 needs the S3 settings, whatever ATTACHMENT_STORAGE says now.
    const usesS3 = command.action === "copy-attachments" && (command.from === "s3" || command.to === "s3");
    parseEnv(usesS3 ? { ...resolved, ATTACHMENT_STORAGE: "s3" } : resolved);
    Object.assign(process.env, resolved);
    // Imported once the configuration is in place: they read it.
    const { closeDb } = await import("../app/db.server");
    try {
      return await run(command);
    } finally {
      await closeDb();
    }
  } finally {
    await database.stop();
  }
}

async function run(command: Command): Promise<number> {
  if (command.action === "copy-attachments") return copyAttachmentsCommand(command.from, command.to);
  const { systemActor } = await import("../app/modules/auth/actor");
  const { isProblem } = await import("../app/utils/problem");
  // The operator, as `user@host`, lands in the audit rows' data.
  const actor = systemActor("cli", `${userInfo().username}@${hostname()}`);
  if (command.action === "create") {
    const { createApiKey } = await import("../app/modules/api/create-api-key.server");
    const result = await createApiKey(actor, { name: command.name, scopes: command.scopes });
    if (isProblem(result)) {
      for (const message of new Set([result.message, ...Object.values(result.fields)])) say(message);
      return 2;
    }
    say(`Created API key "${result.name}" (prefix ${result.prefix}; scopes ${result.scopes.join(", ")}).`);
    say("It is shown only this once: store it now. Revoke it with: npm run cli -- api-key revoke " + result.prefix);
    process.stdout.write(`${result.key}\n`);
    return 0;
  }
  const { revokeApiKey } = await import("../app/modules/api/revoke-api-key.server");
  const result = await revokeApiKey(actor, { prefix: command.prefix });
  if (isProblem(result)) {
    say(result.message);
    return 1;
  }
  say(`Revoked the API key ${command.prefix}: requests with it are refused from now on.`);
  return 0;
}

const problemText = {
  missing_at_source: "is missing at the source",
  mismatched_at_source: "differs at the source from its recorded SHA-256 (not copied)",
  mismatched_at_target: "is already at the target but differs from its recorded SHA-256 (left as it is: delete it there and copy again)",
  mismatched_after_copy: "differs from its recorded SHA-256 when read back from the target",
} as const;

async function copyAttachmentsCommand(from: StorageDriver, to: StorageDriver): Promise<number> {
  const { env } = await import("../app/env.server");
  const { blobStorage } = await import("../app/modules/storage/blob-storage.server");
  const { copyAttachments } = await import("../app/modules/storage/copy-attachments.server");
  const storage = (driver: StorageDriver) => blobStorage({ ...env(), ATTACHMENT_STORAGE: driver });
  say(`Copying dispute files from ${from} to ${to} (nothing is deleted)…`);
  const report = await copyAttachments(storage(from), storage(to), (p) => say(`Attachment ${p.attachmentId} (storage key ${p.storageKey}) ${problemText[p.problem]}.`));
  say(`Copied ${report.copied}, already there ${report.alreadyThere}, missing at source ${report.missingAtSource}, mismatched ${report.mismatched}.`);
  if (report.missingAtSource + report.mismatched > 0) {
    say(`Not every file is at ${to}: do not switch ATTACHMENT_STORAGE to ${to} until a run reports none missing or mismatched.`);
    return 1;
  }
  say(`Every file is at ${to}. To switch: set ATTACHMENT_STORAGE=${to}, restart every app server, then run this copy once more (files uploaded in between).`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    say(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
