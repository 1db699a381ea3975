// Printing for benchmarks: a header naming the machine and commit, medians, aligned tables.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Node, cores, memory, load, commit and time: what a result needs beside it to be compared. */
export function machineLine(): string {
  let commit = 'unknown';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
  // the load average at start flags a run that shared the machine with other work
  return `node ${process.version} · ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}) · ${Math.round(totalmem() / 2 ** 30)} GiB · load ${loadavg()[0]!.toFixed(2)} · commit ${commit} · ${new Date().toISOString()}`;
}

export function header(title: string): string {
  const machine = machineLine();
  console.log(`# ${title}`);
  console.log(machine);
  return machine;
}

export function table(columns: string[], rows: (string | number)[][]): void {
  const text = rows.map((r) => r.map(String));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  console.log(line(columns));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of text) console.log(line(r));
}
