// What the kernel knows about the server processes: their peak memory and the CPU time they used. Linux only
// (/proc), like the reference machine; elsewhere the figures are reported as missing.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function statusKiB(pid: number, field: string): number | undefined {
  const match = read(`/proc/${pid}/status`)?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match ? Number(match[1]) : undefined;
}

/** The process's resident-set high-water mark (VmHWM) in MiB: the most memory it has held since it started. */
export function peakMemoryMiB(pid: number): number | undefined {
  const kib = statusKiB(pid, "VmHWM");
  return kib === undefined ? undefined : kib / 1024;
}

// /proc/<pid>/stat: "pid (comm) state ppid ... utime stime ..."; comm may hold spaces and parentheses, so fields are
// counted from the last ")".
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** User plus system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  // After the comm: state(0) ppid(1) ... utime(11) stime(12).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Every live descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!Number.isInteger(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      todo.push(child);
    }
  }
  return found;
}

/** The command line of a process, arguments joined by spaces. */
export function commandLine(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ").trim();
}

/** How many file descriptors the process holds open (sockets included): workerd fails with "overloaded" at the limit. */
export function openFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

// The `st` column of /proc/net/tcp, in hexadecimal.
const TCP_STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

/** The process's TCP sockets by state: CLOSE_WAIT piling up means the peer closed and the process never did. */
export function tcpStates(pid: number): Record<string, number> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return {};
  }
  for (const fd of fds) {
    const inode = /^socket:\[(\d+)\]$/.exec(linkTarget(`/proc/${pid}/fd/${fd}`))?.[1];
    if (inode) inodes.add(inode);
  }
  const states: Record<string, number> = {};
  for (const table of ["tcp", "tcp6"]) {
    // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
    for (const line of (read(`/proc/${pid}/net/${table}`) ?? "").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [state, inode] = [fields[3], fields[9]];
      if (state === undefined || inode === undefined || !inodes.has(inode)) continue;
      const name = TCP_STATES[state] ?? state;
      states[name] = (states[name] ?? 0) + 1;
    }
  }
  return states;
}
