// The encryption secret: the configured one, or one generated into the data dir on first
// start and reused, so stored passwords stay readable across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** Return the configured secret, else the data dir's `secret.key`, creating it once. */
export function loadOrCreateSecret(dataDir: string, configured: string | undefined): string {
  if (configured) return configured;
  const file = join(dataDir, 'secret.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // a store without its key: a new key would make every stored password unreadable
  if (existsSync(join(dataDir, 'imapapi.mdb'))) {
    throw new Error(`${dataDir} holds a store but no secret.key: restore that file or pass the secret it was created with (--secret)`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  // 'wx' so two processes starting at once cannot overwrite each other's key.
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
