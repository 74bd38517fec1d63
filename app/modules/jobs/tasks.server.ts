import type { TaskList } from "graphile-worker";
import { foldReceivables } from "~/modules/analytics/fold-receivables.server";
import { systemActor } from "~/modules/auth/actor";
import { unseal } from "~/modules/auth/secrets.server";
import { sendSignInLink } from "~/modules/auth/send-sign-in-link.server";
import type { SignInLinkJob } from "~/modules/auth/request-sign-in-link.server";
import { deliverEmail, type EmailMessage } from "~/modules/notifications/mailer.server";
import { drainStripeEvents } from "~/modules/payments/drain-stripe-events.server";
import { reconcilePayments } from "~/modules/payments/reconcile-payments.server";
import { runReminders } from "~/modules/collections/run-reminders.server";
import { runAutopay } from "~/modules/autopay/run-autopay.server";
import { postLateFees } from "~/modules/fees/post-late-fees.server";
import { notifyExpiringCards } from "~/modules/methods/notify-expiring-cards.server";
import { sendReminderEmail, sendReminderEmails } from "~/modules/collections/send-reminder-email.server";
import { chargeInstallment } from "~/modules/plans/charge-installment.server";
import { runPlanSchedule } from "~/modules/plans/run-plan-schedule.server";
import { deliverWebhook } from "~/modules/webhooks/deliver.server";
import { deliverWebhooksJob } from "~/modules/webhooks/deliver-due.server";
import { fanOutEvents } from "~/modules/webhooks/fan-out.server";
import { unlockCrashedWorkers } from "./crashed-workers.server";
import type { JobPayloads } from "./enqueue.server";

/** Every background job the portal runs; a thrown error makes graphile-worker retry with backoff. */
export const taskList: TaskList = {
  unlock_crashed_workers: async () => {
    await unlockCrashedWorkers();
  },
  send_email: async (payload) => {
    await deliverEmail(unseal<EmailMessage>((payload as JobPayloads["send_email"]).sealed));
  },
  send_sign_in_link: async (payload) => {
    await sendSignInLink(unseal<SignInLinkJob>((payload as JobPayloads["send_sign_in_link"]).sealed));
  },
  process_stripe_events: async (_payload, helpers) => {
    await drainStripeEvents(systemActor("stripe"), { signal: helpers.abortSignal });
  },
  // Legacy: one job per event, as queued before the drain; the event's row is what counts now.
  process_stripe_event: async (_payload, helpers) => {
    await drainStripeEvents(systemActor("stripe"), { signal: helpers.abortSignal });
  },
  reconcile_payments: async () => {
    await reconcilePayments(systemActor("job"));
  },
  fan_out_events: async () => {
    await fanOutEvents();
  },
  deliver_webhook: async (payload) => {
    await deliverWebhook((payload as JobPayloads["deliver_webhook"]).deliveryId);
  },
  deliver_webhooks: async () => {
    await deliverWebhooksJob();
  },
  run_plan_schedule: async () => {
    await runPlanSchedule();
  },
  run_reminders: async () => {
    await runReminders(systemActor("job", "run_reminders"));
  },
  run_autopay: async () => {
    await runAutopay(systemActor("job", "run_autopay"));
  },
  post_late_fees: async () => {
    await postLateFees(systemActor("job", "post_late_fees"));
  },
  notify_expiring_cards: async () => {
    await notifyExpiringCards(systemActor("job", "notify_expiring_cards"));
  },
  send_reminder_emails: async (payload) => {
    await sendReminderEmails(payload as JobPayloads["send_reminder_emails"]);
  },
  // Legacy: one email per job, as queued before the batch sender.
  send_reminder_email: async (payload) => {
    await sendReminderEmail(payload as JobPayloads["send_reminder_email"]);
  },
  fold_receivables: async () => {
    await foldReceivables();
  },
  charge_installment: async (payload) => {
    await chargeInstallment(systemActor("job", "charge_installment"), { installmentId: (payload as JobPayloads["charge_installment"]).installmentId });
  },
};

/**
 * Schedules (graphile-worker crontab, one per line): settle payments whose webhooks never came;
 * process recorded Stripe events whose wake-up was lost or whose retry is due;
 * fan new events out to the back office's webhook endpoints and sweep for due deliveries (a safety
 * net: nudges and wake-ups normally run them sooner); charge and remind plan installments; run the
 * reminder cadences (`reminderCrontab`, unless REMINDER_SCHEDULE=off); fold new receivables
 * ledger rows into the analytics rollup (readers add unfolded rows, so this only keeps them few);
 * free the jobs of a worker whose process died (crashed-workers.server.ts).
 */
export const crontab = ["*/5 * * * * reconcile_payments", "* * * * * fan_out_events", "* * * * * process_stripe_events ?jobKey=process_stripe_events&max=5", "* * * * * deliver_webhooks ?jobKey=deliver_webhooks&max=5", "*/5 * * * * run_plan_schedule", "* * * * * fold_receivables ?jobKey=fold_receivables&max=1", "* * * * * unlock_crashed_workers ?jobKey=unlock_crashed_workers&max=1"].join("\n");

/**
 * The reminder run, hourly on the portal's clock: it is idempotent, so a later run the same day
 * sends only what newly fell due to accounts not yet reminded that day, and the first run after
 * an outage makes up for the missed days (the latest step only).
 */
export const reminderCrontab = "7 * * * * run_reminders ?jobKey=run_reminders&max=3";

/**
 * The late-fee run, hourly on the company's date (not daily, so a fee is posted the morning its
 * period starts even after a restart): idempotent, one fee per invoice and period whatever the
 * number of runs, and only the current period is ever posted (no back-fees after an outage).
 * Off with the reminders when REMINDER_SCHEDULE=off (tests post fees on demand).
 */
export const lateFeeCrontab = "15 * * * * post_late_fees ?jobKey=post_late_fees&max=3";

/**
 * Autopay's schedule, hourly (announces charges entering their notice period, charges those whose
 * day has come, retries): idempotent by charge row and payment attempt. Off with the reminders when
 * REMINDER_SCHEDULE=off (tests run it on demand from /dev/clock).
 */
export const autopayCrontab = "30 * * * * run_autopay ?jobKey=run_autopay&max=3";

/**
 * Expiring cards, daily (a missed morning is made up within a day): one notice per card and
 * expiry, so extra runs send nothing. Off with the reminders when REMINDER_SCHEDULE=off (tests
 * run it from /dev/clock).
 */
export const expiringCardsCrontab = "41 8 * * * notify_expiring_cards ?jobKey=notify_expiring_cards&max=3&fill=1d";
