/** Where the end-to-end stack listens. Separate from `npm run dev` so both can run at once. */
export const e2e = {
  appPort: 3100,
  appUrl: "http://localhost:3100",
  /** COMPANY_NAME of the e2e portal, also the emulator's business name (Checkout, ACH mandate). */
  companyName: "Acme Supply Co.",
  smtpPort: 2525,
  mailApiPort: 2526,
  pgPort: 54339,
  pgDir: ".data/e2e-pg",
  databaseUrl: "postgres://postgres:postgres@127.0.0.1:54339/e2e",
  stripePort: 12112,
  stripeUrl: "http://localhost:12112",
  stripeWebhookSecret: "whsec_e2e_emulator_secret",
  /** SESSION_SECRET of the e2e portal (specs sign pay-link URLs with it, as the portal does). */
  sessionSecret: "e2e-session-secret-0123456789abcdef0123456789",
};
