// Plain values shared by the schema and the UI: no database or Node imports, so browser
// bundles may import this file.
export const planFrequencies = ["weekly", "biweekly", "monthly"] as const;
export type PlanFrequency = (typeof planFrequencies)[number];

export const planStatuses = ["authorizing", "awaiting_approval", "active", "paused", "completed", "defaulted", "canceled", "declined"] as const;
export type PlanStatus = (typeof planStatuses)[number];
/** While a plan is in one of these, its invoices belong to it (invoices.payment_plan_id is set). */
export const holdingPlanStatuses = ["authorizing", "awaiting_approval", "active", "paused"] as const;

export const installmentStatuses = ["scheduled", "paying", "processing", "paid", "failed", "canceled"] as const;
export type InstallmentStatus = (typeof installmentStatuses)[number];

/** The AR team's rules for plans; a copy is stored with each plan when it is created. */
export interface PlanPolicyRules {
  enabled: boolean;
  /** Smallest total (minor units, in the invoices' currency) that may go on a plan. */
  minTotal: number;
  /** Most installments a plan may have (the fewest is always 2), not counting a down payment. */
  maxInstallments: number;
  frequencies: PlanFrequency[];
  /** Share of the total charged at once when the plan starts; 0 = no down payment. */
  downPaymentPercent: number;
  /** The last installment falls at most this many days after enrolment. */
  maxTermDays: number;
  /** The first installment falls at most this many days after enrolment (0 = today). */
  firstInstallmentWithinDays: number;
  /** Plans whose total is above this wait for staff approval; null = never. */
  approvalThreshold: number | null;
}
