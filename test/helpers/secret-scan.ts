// The secrets a test plants (distinctive random strings) and a scan of any text or bytes for
// them in every spelling that can carry one: as is, JSON-escaped, URL-encoded and base64 at any
// byte alignment (a SASL PLAIN blob holds the password after `\0user\0`).
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Where a secret was found: which one, where, and how it was spelt. */
export interface Finding { label: string; where: string; spelling: string }

/** The middle of base64(`k` bytes · secret): the characters that do not depend on the bytes around it. */
function base64Cores(secret: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  const cores: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), secret]).toString(alphabet).replace(/=+$/, '');
    // the first group mixes in the k bytes before it, the last one those after it
    const start = k ? 4 : 0;
    const end = encoded.length - ((k + secret.length) % 3 ? 4 : 0);
    if (end - start >= 12) cores.push(encoded.slice(start, end));
  }
  return cores;
}

/** Every spelling of `secret` that would betray it. */
export function spellingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const all = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), ...base64Cores(bytes, 'base64'), ...base64Cores(bytes, 'base64url')];
  return [...new Set(all)];
}

export class PlantedSecrets {
  readonly #entries: { label: string; value: string }[] = [];

  /** A new distinctive secret (`S3cr3t-<label>-<hex>`), remembered for the scan. */
  make(label: string): string {
    return this.add(label, `S3cr3t-${label}-${randomBytes(8).toString('hex')}`);
  }

  /** Remember a secret made elsewhere (an API token the server handed out, …). With
   *  IMAPAPI_TEST_SECRETS set, it is also appended there for scripts/grep-secrets.mjs. */
  add(label: string, value: string): string {
    this.#entries.push({ label, value });
    const file = process.env.IMAPAPI_TEST_SECRETS;
    if (file) appendFileSync(file, `${JSON.stringify({ label, value })}\n`);
    return value;
  }

  get values(): string[] {
    return this.#entries.map((e) => e.value);
  }

  /** Each secret found in `haystack` (named `where` in the findings). */
  scan(where: string, haystack: string | Uint8Array): Finding[] {
    const bytes = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
    const found: Finding[] = [];
    for (const { label, value } of this.#entries) {
      for (const spelling of spellingsOf(value)) {
        if (bytes.includes(spelling)) found.push({ label, where, spelling });
      }
    }
    return found;
  }
}

/** Every file under `dir` and the text `log` searched for `secrets` in every spelling; what was found where. */
export async function secretsAtRest(secrets: readonly string[], dir: string, log: string): Promise<string[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const files = async (d: string): Promise<string[]> => (await Promise.all((await readdir(d, { withFileTypes: true }))
    .map((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)])))).flat();
  const found: string[] = [];
  const scan = (where: string, bytes: Buffer) => {
    for (const secret of secrets) for (const s of spellingsOf(secret)) if (bytes.includes(s)) found.push(`${secret.slice(0, 6)}… in ${where} as ${s.slice(0, 12)}…`);
  };
  for (const file of await files(dir)) scan(file, await readFile(file));
  scan('the log', Buffer.from(log));
  return found;
}
