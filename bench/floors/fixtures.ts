// What a floor answers: the product's own answers (status, content type, body) captured from a
// running server, so a floor writes the same bytes the product does for the same request.
import { readFileSync } from 'node:fs';

export interface Fixture { status: string; contentType: string; body: string }
export type Fixtures = Record<string, Fixture>;

/** GET each of `paths` from `base`; the answers, keyed by path. */
export async function capture(base: string, paths: string[], headers: Record<string, string> = {}): Promise<Fixtures> {
  const out: Fixtures = {};
  for (const path of paths) {
    const res = await fetch(base + path, { headers });
    out[path] = { status: `${res.status} ${res.statusText}`, contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() };
  }
  return out;
}

export const loadFixtures = (file: string): Fixtures => JSON.parse(readFileSync(file, 'utf8')) as Fixtures;
