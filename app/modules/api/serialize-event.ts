import type { DomainEvent } from "#db/schema/events";
import type { ApiEventOut } from "./schemas";

/** The API's representation of an outbox event (snake_case, as documented in the OpenAPI file). */
export function toApiEvent(event: Pick<DomainEvent, "id" | "type" | "createdAt" | "accountId" | "subjectType" | "subjectId" | "data">): ApiEventOut {
  return {
    id: event.id,
    type: event.type,
    created_at: event.createdAt.toISOString(),
    account_id: event.accountId,
    subject: { type: event.subjectType, id: event.subjectId },
    data: event.data,
  };
}
