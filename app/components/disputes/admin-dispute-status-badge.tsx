/** "SLA breached" in words with a marker, never colour alone. */
export function AdminSlaBreached() {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-red-900">
      <span aria-hidden="true">⚠</span>
      SLA breached
    </span>
  );
}
