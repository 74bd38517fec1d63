/**
 * Operator commands, with the server's configuration (DATABASE_URL, or in development the
 * embedded PostgreSQL — used where the dev server runs it, started otherwise):
 *
 *   npm run -s cli -- api-key create --name NAME --scopes events:read,invoices:write
 *   npm run -s cli -- api-key revoke PREFIX
 *
 * `create` prints the key alone on one line of stdout, once; every other message goes to
 * stderr, so `KEY=$(npm run -s cli -- api-key create …)` captures just the key.
 */
import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, parseBootstrapEnv, parseEnv, stripeEmulatorDefaults, withDevelopmentDefaults } from "../app/env.server";
import { API_SCOPES, API_SCOPE_DESCRIPTIONS, isApiScope } from "../app/modules/api/scopes";
import { migrateDatabase } from "../db/migrate";
import { databaseForTools } from "./bootstrap";

const usage = `Usage:
  npm run -s cli -- api-key create --name NAME --scopes SCOPE[,SCOPE…]
      Creates an API key and prints it once on stdout. Scopes:
${API_SCOPES.map((s) => `        ${s.padEnd(16)} ${API_SCOPE_DESCRIPTIONS[s]}`).join("\n")}
  npm run -s cli -- api-key revoke PREFIX
      Revokes the live key whose prefix (eipp_ + 7 characters, as listed in /admin/api-keys) is PREFIX.`;

/** A mistake in the command: said on stderr with the usage, exit code 2. */
class UsageError extends Error {}

const say = (line: string) => process.stderr.write(`${line}\n`);

type Command = { action: "create"; name: string; scopes: string[] } | { action: "revoke"; prefix: string };

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { name: { type: "string" }, scopes: { type: "string" }, help: { type: "boolean", short: "h" } } });
  const [group, action, ...rest] = positionals;
  if (values.help || !group) throw new UsageError("");
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
    parseEnv(resolved);
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    say(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
