import { z } from "zod";
import { singleLineProblem } from "~/utils/text";
import { API_SCOPES, isApiScope, type ApiScope } from "./scopes";

/**
 * The fields of a new API key, checked the same way for the admin page (through Conform) and the
 * command line (`createApiKey` checks them again with this schema).
 */
const NAME_REQUIRED = "Give the key a name, e.g. the system that will use it.";
const SCOPES_REQUIRED = "Choose at least one scope.";

export const apiKeyFields = z.object({
  name: z
    .string({ error: NAME_REQUIRED })
    .trim()
    .min(1, NAME_REQUIRED)
    .max(100, "Keep the name under 100 characters.")
    .superRefine((name, ctx) => {
      const problem = singleLineProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  scopes: z
    .array(z.string(), { error: SCOPES_REQUIRED })
    .min(1, SCOPES_REQUIRED)
    .transform((scopes) => [...new Set(scopes)])
    .superRefine((scopes, ctx) => {
      const unknown = scopes.filter((s) => !isApiScope(s));
      if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `Choose scopes from the list (${API_SCOPES.join(", ")}); unknown: ${unknown.join(", ")}.` });
    })
    .transform((scopes) => scopes as ApiScope[]),
});

/** The admin page's two forms, told apart by `intent`. */
export const createApiKeyForm = apiKeyFields.extend({ intent: z.literal("create") });
export const revokeApiKeyForm = z.object({ intent: z.literal("revoke"), keyId: z.string({ error: "Choose a key to revoke." }).max(100) });
export const apiKeyPageForm = z.discriminatedUnion("intent", [createApiKeyForm, revokeApiKeyForm], { error: "Choose what to do." });
