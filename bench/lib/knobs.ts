// Env knobs of a bench module, where `WEBHOOKS_RUNS` wins over `RUNS`: one `npm run bench` runs
// modules whose knobs share names (RUNS, SECONDS, ACCOUNTS) and may want them apart.
export function knob(module: string, name: string): string | undefined {
  return process.env[`${module.toUpperCase().replace(/-/g, '_')}_${name}`] ?? process.env[name];
}

export const numberKnob = (module: string, name: string, def: number): number => Number(knob(module, name) ?? def);
