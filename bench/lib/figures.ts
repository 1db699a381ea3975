// One shape for every benchmark figure (product beside its floor measured in the same run, a
// goal and whether it is met), the table that prints them and the JSON under bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { header, table } from './table.js';

export interface Figure {
  figure: string;
  /** of product and floor: 'req/s', 'ms', 'events/s' */
  unit: string;
  product: number;
  floor: number;
  /** product / floor, whichever way is good (the goal says) */
  ratio: number;
  /** human text: '≥ 0.8×', '≤ 1.2×', '≤ +20 ms', '≤ 5 ms'; '—' for none */
  goal: string;
  /** null: a figure kept for the record, with no goal */
  ok: boolean | null;
  /** p50, p99, errors… of either side */
  detail?: Record<string, number>;
}

type Extra = { ratio?: number; detail?: Record<string, number> };

function make(figure: string, unit: string, product: number, floor: number, goal: string, ok: (ratio: number) => boolean | null, extra: Extra): Figure {
  // a ratio given by the caller is a median of per-run ratios, steadier than a ratio of medians
  const ratio = extra.ratio ?? product / floor;
  const out: Figure = { figure, unit, product, floor, ratio, goal, ok: Number.isFinite(ratio) ? ok(ratio) : false };
  if (extra.detail) out.detail = extra.detail;
  return out;
}

/** Throughput: good when product/floor is at least `min` (no goal when min is null). */
export const atLeast = (figure: string, unit: string, product: number, floor: number, min: number | null, extra: Extra = {}): Figure =>
  make(figure, unit, product, floor, min === null ? '—' : `≥ ${min}×`, (r) => (min === null ? null : r >= min), extra);

/** Time: good when product/floor is at most `max` (no goal when max is null). */
export const atMost = (figure: string, unit: string, product: number, floor: number, max: number | null, extra: Extra = {}): Figure =>
  make(figure, unit, product, floor, max === null ? '—' : `≤ ${max}×`, (r) => (max === null ? null : r <= max), extra);

/** Latency added over the floor: good when product − floor is at most `ms` (kept in detail.added). */
export function addedAtMost(figure: string, product: number, floor: number, ms: number | null, label: string, extra: Extra = {}): Figure {
  const added = product - floor;
  const f = make(figure, 'ms', product, floor, ms === null ? '—' : `≤ +${ms} ms ${label}`, () => (ms === null ? null : added <= ms), extra);
  f.detail = { ...f.detail, added };
  return f;
}

/** An absolute bound on the product (the floor shown for scale): good when product ≤ `max`. */
export const boundedBy = (figure: string, unit: string, product: number, floor: number, max: number, extra: Extra = {}): Figure =>
  make(figure, unit, product, floor, `≤ ${max} ${unit}`, () => product <= max, extra);

const num = (v: number) => (!Number.isFinite(v) ? '–' : Math.abs(v) >= 100 ? String(Math.round(v)) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2));

/** How the product compares: the ratio, and for added-latency figures the milliseconds added. */
function versus(f: Figure): string {
  const added = f.detail?.added;
  const ratio = Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : '–';
  return added === undefined ? ratio : `${added >= 0 ? '+' : ''}${num(added)} ms (${ratio})`;
}

export function printFigures(figures: Figure[]): void {
  table(['figure', 'product', 'floor', 'unit', 'vs floor', 'goal', ''], figures.map((f) => [
    f.figure, num(f.product), num(f.floor), f.unit, versus(f), f.goal, f.ok === null ? '' : f.ok ? 'ok' : 'below',
  ]));
}

/** Writes bench/results/<name>-<timestamp>.json (the folder is per machine, not committed). */
export async function writeResults(name: string, data: unknown): Promise<string> {
  const dir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(data, null, 2));
  return file;
}

/** A bench module run as a script: its header, its figures, its JSON. */
export function runAlone(moduleUrl: string, name: string, title: string, figures: () => Promise<Figure[]>): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  const machine = header(title);
  figures().then(async (list) => {
    printFigures(list);
    console.log(`written: ${await writeResults(name, { machine, title, figures: list })}`);
  }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
