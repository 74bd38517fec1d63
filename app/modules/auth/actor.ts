import type { ApiScope } from "~/modules/api/scopes";

export type StaffRole = "ar_agent" | "ar_admin";

/**
 * Who is asking, passed to every use case; the use case checks its own permissions with it
 * (a route's guard only decides which page to show). One type for every caller:
 * - payer: a signed-in contact, acting for the accounts they are a contact of;
 * - staff: an AR agent or admin;
 * - api_key: the back office through the API (and the CSV import acts as the staff member who runs it);
 * - pay_link: whoever holds a reminder's pay link, acting on exactly that link's invoices of one account;
 * - system: the portal itself — jobs, Stripe webhooks, the CLI (`via` says which).
 */
export type Actor =
  | { kind: "payer"; userId: string; ip: string | null }
  | { kind: "staff"; userId: string; role: StaffRole; ip: string | null }
  | { kind: "api_key"; keyId: string; name: string; scopes: readonly ApiScope[]; ip: string | null }
  | { kind: "pay_link"; payLinkId: string; accountId: string; invoiceIds: readonly string[]; ip: string | null }
  | { kind: "system"; via: "job" | "stripe" | "cli" | "dev"; name?: string };

export type PayerActor = Extract<Actor, { kind: "payer" }>;
export type StaffActor = Extract<Actor, { kind: "staff" }>;
export type ApiKeyActor = Extract<Actor, { kind: "api_key" }>;
export type SystemActor = Extract<Actor, { kind: "system" }>;
export type PayLinkActor = Extract<Actor, { kind: "pay_link" }>;

export const systemActor = (via: SystemActor["via"], name?: string): SystemActor => ({ kind: "system", via, ...(name ? { name } : {}) });

export const isStaffActor = (actor: Actor): actor is StaffActor => actor.kind === "staff";
export const isAdmin = (actor: Actor): actor is StaffActor => actor.kind === "staff" && actor.role === "ar_admin";
export const hasScope = (actor: Actor, scope: ApiScope): boolean => actor.kind === "api_key" && actor.scopes.includes(scope);

/** The audit_log columns that say who did it. */
export function auditActor(actor: Actor): { actorUserId: string | null; actorType: "user" | "system" | "api" | "cli"; ip: string | null } {
  switch (actor.kind) {
    case "payer":
    case "staff":
      return { actorUserId: actor.userId, actorType: "user", ip: actor.ip };
    case "api_key":
      return { actorUserId: null, actorType: "api", ip: actor.ip };
    case "pay_link":
      return { actorUserId: null, actorType: "user", ip: actor.ip };
    case "system":
      return { actorUserId: null, actorType: actor.via === "cli" ? "cli" : "system", ip: null };
  }
}

/** The user behind the actor, when there is one (authors of messages, who approved a plan…). */
export const actorUserId = (actor: Actor): string | null => (actor.kind === "payer" || actor.kind === "staff" ? actor.userId : null);
