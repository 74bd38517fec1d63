import { isAdmin, type Actor } from "~/modules/auth/actor";

/**
 * A key can push invoices, void them and record offline payments for any customer: like webhook
 * endpoints (ADR 0011), only AR admins create or revoke keys in /admin; agents see the list. An
 * operator at the command line (a system actor via "cli") is trusted. The use cases check this
 * themselves, not only the page.
 */
export const canManageApiKeys = (actor: Actor) => isAdmin(actor) || (actor.kind === "system" && actor.via === "cli");

export const API_KEYS_FORBIDDEN = "Only an AR admin can create or revoke API keys.";
