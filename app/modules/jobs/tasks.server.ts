import type { TaskList } from "graphile-worker";
import { unseal } from "~/modules/auth/secrets.server";
import { sendSignInLink } from "~/modules/auth/send-sign-in-link.server";
import type { SignInLinkJob } from "~/modules/auth/request-sign-in-link.server";
import { deliverEmail, type EmailMessage } from "~/modules/notifications/mailer.server";
import type { JobPayloads } from "./enqueue.server";

/** Every background job the portal runs; a thrown error makes graphile-worker retry with backoff. */
export const taskList: TaskList = {
  send_email: async (payload) => {
    await deliverEmail(unseal<EmailMessage>((payload as JobPayloads["send_email"]).sealed));
  },
  send_sign_in_link: async (payload) => {
    await sendSignInLink(unseal<SignInLinkJob>((payload as JobPayloads["send_sign_in_link"]).sealed));
  },
};
