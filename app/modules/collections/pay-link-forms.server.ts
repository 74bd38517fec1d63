/** The pay link page's schemas for its action (a `.server` re-export keeps zod out of the page's JavaScript). */
export { payLinkCancelSchema, payLinkPaySchema, payLinkPromiseSchema, revokePayLinkSchema, PAY_LINK_FORM_EXPIRED } from "./pay-link-forms";
