import { isAdmin, isStaffActor, type Actor } from "~/modules/auth/actor";

/** Late-fee policies and a customer's contract flag charge customers money: AR admins change them, AR agents see them. */
export const canEditLateFees = (actor: Actor) => isAdmin(actor);
export const canViewLateFees = (actor: Actor) => isStaffActor(actor);

export const LATE_FEES_EDIT_FORBIDDEN = "Only an AR admin can change late fees.";
export const LATE_FEES_VIEW_FORBIDDEN = "Only the AR team can see late-fee policies.";
