import { Form } from "@remix-run/react";

/**
 * The one Sign out control (portal header on phones and desktops, the admin header): a POST to
 * /logout, since signing out changes state. `className` styles the button for its header.
 */
export function SignOutButton({ className }: { className: string }) {
  return (
    <Form method="post" action="/logout">
      <button type="submit" className={className}>
        Sign out
      </button>
    </Form>
  );
}
