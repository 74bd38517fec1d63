/** Why an account is on the worklist: small badges, in the words a collector reads. */
export function WorklistReasons({ tasksDue, brokenPromises, disputesWaiting, onHold }: { tasksDue: number; brokenPromises: number; disputesWaiting: number; onHold: boolean }) {
  const badges: Array<{ text: string; tone: string }> = [];
  if (tasksDue > 0) badges.push({ text: `${tasksDue} task${tasksDue === 1 ? "" : "s"} due`, tone: "bg-blue-100 text-blue-900" });
  if (brokenPromises > 0) badges.push({ text: brokenPromises === 1 ? "promise broken" : `${brokenPromises} promises broken`, tone: "bg-red-100 text-red-900" });
  if (disputesWaiting > 0) badges.push({ text: disputesWaiting === 1 ? "dispute waiting" : `${disputesWaiting} disputes waiting`, tone: "bg-amber-100 text-amber-900" });
  if (onHold) badges.push({ text: "on hold", tone: "bg-slate-200 text-slate-800" });
  if (badges.length === 0) return <span className="text-slate-600">Overdue</span>;
  return (
    <ul className="flex flex-wrap gap-1">
      {badges.map((b) => (
        <li key={b.text} className={`rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${b.tone}`}>
          {b.text}
        </li>
      ))}
    </ul>
  );
}
