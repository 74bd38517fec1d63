import { Alert } from "~/components/ui/alert";

/** Every refused file and why (the messages name the files), so the payer can fix just those. */
export function FileErrors({ messages, id }: { messages: string[]; id?: string }) {
  if (messages.length === 0) return null;
  return (
    <div id={id}>
      <Alert tone="error" title={messages.length === 1 ? "One file was not accepted" : `${messages.length} files were not accepted`}>
        <ul className="list-disc pl-5">
          {messages.map((message, i) => (
            <li key={`${message}-${i}`}>{message}</li>
          ))}
        </ul>
        <p className="mt-1">Nothing else you typed was lost. Choose the files again (PDF, PNG or JPEG, up to 10 MB each).</p>
      </Alert>
    </div>
  );
}
