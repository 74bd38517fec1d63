/** Events: every event the emulator emitted, retrievable and listable like Stripe's. */
import { type Route } from "../context";
import { createdFilter, lookup, PAGINATION_PARAMS, paginate } from "../wire";

/** `type` accepts Stripe's wildcard form (`payment_intent.*`). */
function typeMatcher(patterns: string[]): (type: string) => boolean {
  if (patterns.length === 0) return () => true;
  return (type) => patterns.some((p) => (p.endsWith(".*") ? type.startsWith(p.slice(0, -1)) : p === "*" || p === type));
}

export const eventRoutes: Route[] = [
  {
    method: "GET",
    path: /^\/v1\/events\/([^/]+)$/,
    handle: (em, { ids: [id] }) => lookup(em.state.events, id!, "event"),
  },
  {
    method: "GET",
    path: /^\/v1\/events$/,
    handle: (em, { params }) => {
      params.allowOnly(["type", "types", "created", "delivery_success", ...PAGINATION_PARAMS]);
      const type = params.string("type");
      const matches = typeMatcher([...(type ? [type] : []), ...(params.stringArray("types") ?? [])]);
      const inRange = createdFilter(params);
      const delivered = params.bool("delivery_success");
      const items = em.store.newestFirst("events").filter((e) => {
        if (!matches(e.type) || !inRange(e.created)) return false;
        if (delivered === undefined) return true;
        return (em.state.deliveries[e.id]?.state === "delivered") === delivered;
      });
      return paginate(items, params, "/v1/events");
    },
  },
];
