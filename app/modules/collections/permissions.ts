import { isAdmin, isStaffActor, type Actor } from "~/modules/auth/actor";

/**
 * Cadences, templates, segments and collection rules decide what every customer is sent: AR
 * admins change them; AR agents see them. The use cases check this themselves, not only the pages.
 */
export const canConfigureCollections = (actor: Actor) => isAdmin(actor);
export const canViewCollections = (actor: Actor) => isStaffActor(actor);

export const COLLECTIONS_CONFIG_FORBIDDEN = "Only an AR admin can change cadences, segments and collection rules.";
export const COLLECTIONS_VIEW_FORBIDDEN = "Only the AR team can see the collections set-up.";
export const CADENCE_NOT_FOUND = "Cadence not found.";
