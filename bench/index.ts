// `npm run bench`: every hot-path figure beside its floor, one module after another (each
// measures its own floors in its own run), printed as one table and written as one JSON file
// under bench/results/. Env: ONLY=hot-paths,read-api,latency,webhooks picks; the modules' own knobs apply.
import * as hotPaths from './hot-paths.js';
import * as latency from './latency.js';
import { printFigures, writeResults, type Figure } from './lib/figures.js';
import { header } from './lib/table.js';
import * as readApi from './read-api.js';
import * as webhooks from './webhooks.js';

const MODULES: Record<string, { title: string; figures(): Promise<Figure[]> }> = {
  'hot-paths': hotPaths, 'read-api': readApi, latency, webhooks,
};

function chosen(): string[] {
  const only = process.env.ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only?.length) return Object.keys(MODULES);
  const unknown = only.filter((name) => !(name in MODULES));
  if (unknown.length) throw new Error(`ONLY: no bench module ${unknown.join(', ')} (there are ${Object.keys(MODULES).join(', ')})`);
  return only;
}

async function main(): Promise<void> {
  const names = chosen();
  const machine = header(`bench — ${names.join(', ')}; each figure beside its floor measured in the same run`);
  for (const name of names) console.log(`- ${name}: ${MODULES[name]!.title}`);
  const modules: { name: string; title: string; figures: Figure[] }[] = [];
  for (const name of names) {
    const t0 = performance.now();
    const figures = await MODULES[name]!.figures();
    console.log(`${name}: ${figures.length} figures in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    modules.push({ name, title: MODULES[name]!.title, figures });
  }
  console.log('');
  printFigures(modules.flatMap((m) => m.figures));
  const below = modules.flatMap((m) => m.figures).filter((f) => f.ok === false).length;
  if (below) console.log(`${below} figure(s) below their goal`);
  console.log(`written: ${await writeResults('bench', { machine, modules })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
