import type { Executor } from "~/db.server";
import { seal } from "~/modules/auth/secrets.server";
import { enqueueJob } from "~/modules/jobs/enqueue.server";
import type { EmailMessage } from "./mailer.server";

/** Queues an email inside the caller's transaction; the job sends it with retries. */
export async function queueEmail(tx: Executor, message: EmailMessage): Promise<void> {
  await enqueueJob(tx, "send_email", { sealed: seal(message) });
}
