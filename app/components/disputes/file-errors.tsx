import { Alert } from "~/components/ui/alert";

/** Every refused file and why, so the payer can fix just those. */
export function FileErrors({ rejected }: { rejected: Array<{ filename: string; message: string }> }) {
  if (rejected.length === 0) return null;
  return (
    <Alert tone="error" title={rejected.length === 1 ? "One file was not accepted" : `${rejected.length} files were not accepted`}>
      <ul className="list-disc pl-5">
        {rejected.map((r, i) => (
          <li key={`${r.filename}-${i}`}>{r.message}</li>
        ))}
      </ul>
      <p className="mt-1">Nothing else you typed was lost. Choose the files again (PDF, PNG or JPEG, up to 10 MB each).</p>
    </Alert>
  );
}
