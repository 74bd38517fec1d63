import { and, asc, eq, ne, sql } from "drizzle-orm";
import { accountContacts, accounts, users } from "#db/schema/accounts";
import { db, type Executor } from "~/db.server";
import { CustomerInput, type CustomerInputIn, type CustomerOut } from "~/modules/api/schemas";
import type { Actor } from "~/modules/auth/actor";
import { recordAudit } from "~/modules/audit/record-audit.server";
import { recordEvent } from "~/modules/events/record-event.server";
import { conflict, type Problem } from "~/utils/problem";
import { applyCollectionFields, collectionFieldsView } from "./collection-fields.server";
import { customerDefaultTerms, storedTerms, termsOut } from "./payment-terms-fields";
import { checkExternalId, ingestAudit, ingestRefusal, isUniqueViolation, parseBody, refusable, refuse, type Ingested } from "./result";

async function customerView(exec: Executor, accountId: string): Promise<CustomerOut> {
  const [a] = await exec.select().from(accounts).where(eq(accounts.id, accountId));
  const contacts = await exec
    .select({ email: users.email, name: users.name, title: accountContacts.title })
    .from(accountContacts)
    .innerJoin(users, eq(users.id, accountContacts.userId))
    .where(eq(accountContacts.accountId, accountId))
    .orderBy(asc(sql`lower(${users.email})`));
  const collection = await collectionFieldsView(exec, accountId);
  return {
    id: a!.id,
    external_id: a!.externalId!,
    number: a!.number,
    name: a!.name,
    billing_email: a!.billingEmail,
    currency: a!.currency,
    contacts,
    ...collection,
    default_payment_terms: termsOut(customerDefaultTerms(a!)),
    created_at: a!.createdAt.toISOString(),
  };
}

/**
 * PUT /customers/{externalId}: creates or updates the account with this external id. Contacts become
 * payer users (found case-insensitively by email, or created) linked to the account; contacts not
 * listed are left alone. `segment`, `cadence` and `collector` go to the account's collection
 * profile, `default_payment_terms` to the account (omitted: unchanged; null: cleared). Nothing changed → no write, no event.
 */
export async function upsertCustomer(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<CustomerOut> | Problem> {
  return ingestRefusal(actor, "customers:write") ?? refusable(() => upsert(actor, input));
}

async function upsert(actor: Actor, input: { externalId: string | undefined; body: unknown }): Promise<Ingested<CustomerOut>> {
  const externalId = checkExternalId(input.externalId);
  const body = parseBody(CustomerInput, input.body);
  const contacts = new Map<string, { email: string; name: string; title: string | null }>();
  for (const c of body.contacts ?? []) contacts.set(c.email.toLowerCase(), { email: c.email, name: c.name, title: c.title ?? null });

  try {
    return await db.transaction(async (tx) => {
      // Serialises concurrent PUTs of one external id (the first may be a create).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ingest:customer:${externalId}`}))`);
      const [existing] = await tx.select().from(accounts).where(eq(accounts.externalId, externalId)).for("update");
      const [numberOwner] = await tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(existing ? and(eq(accounts.number, body.number), ne(accounts.id, existing.id)) : eq(accounts.number, body.number));
      if (numberOwner) refuse(numberTaken(body.number));

      const fields = { number: body.number, name: body.name, billingEmail: body.billing_email ?? null, currency: body.currency, ...defaultTermsFields(body.default_payment_terms) };
      const changed: string[] = [];
      let accountId: string;
      if (existing) {
        accountId = existing.id;
        for (const [k, v] of Object.entries(fields)) if (existing[k as keyof typeof fields] !== v) changed.push(k);
        if (changed.length > 0) await tx.update(accounts).set(fields).where(eq(accounts.id, existing.id));
      } else {
        const [row] = await tx.insert(accounts).values({ ...fields, externalId }).returning({ id: accounts.id });
        accountId = row!.id;
        changed.push("created");
      }

      for (const contact of contacts.values()) {
        let [user] = await tx.select().from(users).where(eq(sql`lower(${users.email})`, contact.email.toLowerCase()));
        if (user && user.role !== "payer") refuse(conflict(`${contact.email} belongs to a staff user and cannot be a customer contact.`, { code: "contact_conflict" }));
        if (!user) {
          [user] = await tx.insert(users).values({ email: contact.email, name: contact.name, role: "payer" }).returning();
          changed.push(`contact_created:${contact.email.toLowerCase()}`);
        }
        const [link] = await tx.select().from(accountContacts).where(and(eq(accountContacts.accountId, accountId), eq(accountContacts.userId, user!.id)));
        if (!link) {
          await tx.insert(accountContacts).values({ accountId, userId: user!.id, title: contact.title });
          changed.push(`contact_linked:${contact.email.toLowerCase()}`);
        } else if (link.title !== contact.title) {
          await tx.update(accountContacts).set({ title: contact.title }).where(and(eq(accountContacts.accountId, accountId), eq(accountContacts.userId, user!.id)));
          changed.push(`contact_title:${contact.email.toLowerCase()}`);
        }
      }

      // Segment, cadence and collector: omitted fields leave the profile as it is, null clears.
      changed.push(...(await applyCollectionFields(tx, actor, accountId, { segment: body.segment, cadence: body.cadence, collector: body.collector })));

      const customer = await customerView(tx, accountId);
      if (changed.length > 0) {
        await recordEvent(tx, { type: "customer.upserted", accountId, subjectType: "account", subjectId: accountId, data: { externalId, number: body.number, created: !existing, changed } });
        const { by, ...who } = ingestAudit(actor);
        await recordAudit(tx, { ...who, action: existing ? "customer.updated" : "customer.created", subjectType: "account", subjectId: accountId, data: { ...by, externalId, changed } });
      }
      return { created: !existing, record: customer };
    });
  } catch (error) {
    if (isUniqueViolation(error, "accounts_number_key")) refuse(numberTaken(body.number));
    if (isUniqueViolation(error, "users_email_key")) refuse(conflict("A contact was created concurrently; retry the request.", { code: "idempotency_conflict" }));
    throw error;
  }
}

/** `default_payment_terms` as the account's columns: omitted leaves them alone, null clears them. */
function defaultTermsFields(input: CustomerInputIn["default_payment_terms"]) {
  if (input === undefined) return {};
  const t = storedTerms(input);
  return { defaultNetDays: t.netDays, defaultDiscountBps: t.discountBps, defaultDiscountDays: t.discountDays };
}

const numberTaken = (number: string) => conflict(`Another customer already has number ${number}.`, { code: "number_taken" });
