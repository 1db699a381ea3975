// Writes server-wide settings (e.g. authServer) into a fresh data dir before the server starts
// on it, the way a restarted server finds what an earlier run stored.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEnv } from '../../src/store/env.js';
import { loadOrCreateSecret } from '../../src/store/secret.js';
import { SecretBox, deriveKey } from '../../src/store/crypto.js';
import { SettingsStore, type WebhookSettings } from '../../src/store/settings.js';

/** A new data dir holding `values` over the default settings (and its secret key). */
export async function dataDirWithSettings(values: Partial<WebhookSettings>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-data-'));
  // the key first: a store without one refuses to start
  const box = new SecretBox(deriveKey(loadOrCreateSecret(dir, undefined)));
  const env = openEnv(dir);
  try {
    const store = new SettingsStore(env.root, box);
    await store.write({ ...store.read(), ...values });
  } finally {
    await env.close();
  }
  return dir;
}
