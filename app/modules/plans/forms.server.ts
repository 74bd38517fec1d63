/**
 * The plans' form schemas as the route actions import them. The schemas live in pure files
 * (plan-forms.ts, plan-rules-form.ts) that a page may import to validate in the browser; a page
 * that only validates on the server imports them through this `.server` module, so zod (built
 * when the module loads, which a bundler cannot drop) stays out of the page's JavaScript.
 */
export { adminPlanActionForm, adminPlanNotices, devClockForm, enrolAttemptId, enrolForm, payerPlanActionForm } from "./plan-forms";
export { PLAN_RULES_CURRENCY, planRulesForm, planRulesFormValues } from "./plan-rules-form";
