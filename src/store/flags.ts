// Compact stored form of a message's flags (a bitmask for the system flags, keywords kept
// as text) and the added/removed difference between two flag sets.

const SYSTEM = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '$Forwarded'] as const;
const BIT = new Map<string, number>(SYSTEM.map((f, i) => [f.toLowerCase(), 1 << i]));

/** Stored flags: a bare number when there are no keywords, else [mask, ...keywords]. */
export type StoredFlags = number | [number, ...string[]];

export function encodeFlags(flags: Iterable<string>): StoredFlags {
  let mask = 0;
  const keywords: string[] = [];
  for (const flag of flags) {
    const bit = BIT.get(flag.toLowerCase());
    if (bit) mask |= bit;
    else if (flag !== '\\Recent') keywords.push(flag);
  }
  return keywords.length ? [mask, ...keywords.sort()] : mask;
}

export function decodeFlags(stored: StoredFlags): string[] {
  const [mask, ...keywords] = typeof stored === 'number' ? [stored] : stored;
  return [...SYSTEM.filter((f) => mask & BIT.get(f.toLowerCase())!), ...keywords];
}

export function sameFlags(a: StoredFlags, b: StoredFlags): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** What changed from `before` to `after`: flags added and removed. */
export function flagChanges(before: StoredFlags, after: StoredFlags): { added: string[]; removed: string[] } {
  const a = new Set(decodeFlags(before));
  const b = new Set(decodeFlags(after));
  return { added: [...b].filter((f) => !a.has(f)), removed: [...a].filter((f) => !b.has(f)) };
}
