import type { TaskList } from "graphile-worker";
import { unseal } from "~/modules/auth/secrets.server";
import { sendSignInLink } from "~/modules/auth/send-sign-in-link.server";
import type { SignInLinkJob } from "~/modules/auth/request-sign-in-link.server";
import { deliverEmail, type EmailMessage } from "~/modules/notifications/mailer.server";
import { processStripeEvent } from "~/modules/payments/process-stripe-event.server";
import { reconcilePayments } from "~/modules/payments/reconcile-payments.server";
import { chargeInstallment } from "~/modules/plans/charge-installment.server";
import { runPlanSchedule } from "~/modules/plans/run-plan-schedule.server";
import { deliverWebhook } from "~/modules/webhooks/deliver.server";
import { fanOutEvents } from "~/modules/webhooks/fan-out.server";
import type { JobPayloads } from "./enqueue.server";

/** Every background job the portal runs; a thrown error makes graphile-worker retry with backoff. */
export const taskList: TaskList = {
  send_email: async (payload) => {
    await deliverEmail(unseal<EmailMessage>((payload as JobPayloads["send_email"]).sealed));
  },
  send_sign_in_link: async (payload) => {
    await sendSignInLink(unseal<SignInLinkJob>((payload as JobPayloads["send_sign_in_link"]).sealed));
  },
  process_stripe_event: async (payload) => {
    await processStripeEvent(payload as JobPayloads["process_stripe_event"]);
  },
  reconcile_payments: async () => {
    await reconcilePayments();
  },
  fan_out_events: async () => {
    await fanOutEvents();
  },
  deliver_webhook: async (payload) => {
    await deliverWebhook((payload as JobPayloads["deliver_webhook"]).deliveryId);
  },
  run_plan_schedule: async () => {
    await runPlanSchedule();
  },
  charge_installment: async (payload) => {
    await chargeInstallment((payload as JobPayloads["charge_installment"]).installmentId);
  },
};

/**
 * Schedules (graphile-worker crontab, one per line): settle payments whose webhooks never came;
 * fan new events out to the back office's webhook endpoints; charge and remind plan installments.
 */
export const crontab = ["*/5 * * * * reconcile_payments", "* * * * * fan_out_events", "*/5 * * * * run_plan_schedule"].join("\n");
