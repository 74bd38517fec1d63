import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of processes from /proc/<pid>/stat (Linux), in milliseconds. Read before and after a
 * load, the difference divided by the requests served is the CPU each request cost there, whatever
 * else the machine was doing (unlike req/s, which the other work on a shared machine moves).
 */

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/** One process's /proc/<pid>/stat, in clock ticks; null when it has exited. */
function stat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces: the fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const at = (field: number) => Number(fields[field - 3]);
  return { ppid: at(4), utime: at(14), stime: at(15), cutime: at(16), cstime: at(17) };
}

/** The live child processes of `pid` (every thread's children list; a scan of /proc where the kernel has none). */
export function childrenOf(pid: number): number[] {
  try {
    const pids = readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    return [...new Set(pids)];
  } catch {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((child) => stat(child)?.ppid === pid);
  }
}

/**
 * A process tree's CPU so far: the root's own time and that of its children that exited (cutime,
 * cstime: the root waited for them), plus every live descendant's own time. For PostgreSQL the
 * root is the postmaster (backends, autovacuum, checkpointer are its children); for `npm start`
 * the cluster's primary (the app processes are its children).
 */
export function treeCpuMs(rootPid: number): number {
  const root = stat(rootPid);
  if (!root) throw new Error(`process ${rootPid} is not running`);
  let ticks = root.utime + root.stime + root.cutime + root.cstime;
  const pending = childrenOf(rootPid);
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const s = stat(pid);
    if (!s) continue;
    ticks += s.utime + s.stime;
    pending.push(...childrenOf(pid));
  }
  return (ticks * 1000) / ticksPerSecond;
}

/** The postmaster's pid: the first line of postmaster.pid in the data directory. */
export function postmasterPid(dataDir: string): number {
  const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${dataDir}/postmaster.pid`);
  return pid;
}
