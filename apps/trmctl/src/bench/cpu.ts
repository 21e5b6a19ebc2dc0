import { readFileSync, readdirSync } from 'node:fs';

/** CPU seconds used so far by each process of interest, keyed by a label (Linux /proc; empty elsewhere). */
export type CpuSnapshot = Map<string, number>;

const TICKS_PER_SECOND = 100;

/**
 * Reads utime + stime of the gateways, this process, the broker (beam.smp) and the database (every postgres
 * process), so a phase can be charged to each part of the machine.
 */
export function cpuSnapshot(labels: Record<number, string>): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const label = labels[Number(pid)] ?? (comm === 'beam.smp' ? 'RabbitMQ' : comm === 'postgres' ? 'PostgreSQL' : null);
    if (!label) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
    snapshot.set(label, (snapshot.get(label) ?? 0) + seconds);
  }
  return snapshot;
}

/** CPU milliseconds per handover of each part between two snapshots. Processes that ended in between are not counted. */
export function cpuPerHandover(before: CpuSnapshot, after: CpuSnapshot, handovers: number): Array<[string, number]> {
  return [...after].map(([label, seconds]) => [label, ((seconds - (before.get(label) ?? 0)) * 1000) / handovers] as [string, number]);
}
