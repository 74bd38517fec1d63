import type { TaskKind, TaskOutcome } from "#db/schema/collection-values";

// Words for collection tasks (pure: pages import them).

export const taskKindLabels: Record<TaskKind, string> = {
  call: "Call",
  broken_promise: "Broken promise",
  follow_up: "Follow-up",
};

export const taskOutcomeLabels: Record<TaskOutcome, string> = {
  reached: "Reached",
  left_message: "Left a message",
  promised: "Promised to pay",
  disputed: "Disputed",
  wrong_contact: "Wrong contact",
};
