import { Text } from "@react-email/components";
import type { EmailMessage } from "~/modules/notifications/mailer.server";
import { EmailLayout, Greeting, Paragraph, PrimaryButton, renderEmail, textFooter } from "~/modules/notifications/email-layout";

export interface SignInEmailFacts {
  to: string;
  name: string;
  link: string;
  code: string;
  minutes: number;
  company: string;
}

const subjectOf = (f: SignInEmailFacts) => `Your sign-in link for ${f.company}`;

export function SignInEmail(f: SignInEmailFacts) {
  return (
    <EmailLayout title={subjectOf(f)} company={f.company} reason="sign-in">
      <Greeting name={f.name} />
      <PrimaryButton href={f.link}>Sign in to the payment portal</PrimaryButton>
      <Text style={{ fontSize: "14px", lineHeight: "20px", margin: "0 0 14px" }}>
        Or enter this code on the sign-in page: <strong style={{ fontSize: "18px", letterSpacing: "2px" }}>{f.code}</strong>
      </Text>
      <Paragraph>{`The link and code work once and expire in ${f.minutes} minutes. If you did not ask to sign in, you can ignore this email.`}</Paragraph>
    </EmailLayout>
  );
}

export function signInEmail(f: SignInEmailFacts): EmailMessage {
  const text =
    [
      `Hello ${f.name},`,
      "",
      `Open this link to sign in to the ${f.company} payment portal:`,
      f.link,
      "",
      `Or enter this code on the sign-in page: ${f.code}`,
      "",
      `The link and code work once and expire in ${f.minutes} minutes.`,
      "If you did not ask to sign in, you can ignore this email.",
    ].join("\n") + textFooter("sign-in", f.company);
  return { to: f.to, subject: subjectOf(f), text, html: renderEmail(<SignInEmail {...f} />) };
}
