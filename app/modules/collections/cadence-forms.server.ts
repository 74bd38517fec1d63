/**
 * The collections set-up forms as the route actions import them: the schemas live in the pure
 * cadence-forms.ts; routes import them through this `.server` module so zod (built when the
 * module loads) stays out of the pages' JavaScript.
 */
export { cadencePageForm, collectionRulesForm, collectionRulesFormValues, newCadenceForm, segmentsPageForm } from "./cadence-forms";
