// Pure rules for account settings: sealing passwords, applying a partial update, and
// deciding whether a change needs a new IMAP connection.
import { validationError } from '../errors.js';
import type { AccountInput, AccountPatch, ServerPatch, ServerSettings } from '../schemas/account.js';
import { mapPass, type AccountRecord } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';

/** Stored record for API input; `created` is kept from the record it replaces. */
export function toRecord(input: AccountInput, box: SecretBox, created: string | undefined, now: string): AccountRecord {
  const seal = (p: string) => box.seal(p);
  const record: AccountRecord = { ...input, imap: mapPass(input.imap, seal), created: created ?? now, updated: now };
  if (input.smtp) record.smtp = mapPass(input.smtp, seal);
  return record;
}

function mergeServer(base: ServerSettings | undefined, patch: ServerPatch, box: SecretBox, field: string): ServerSettings {
  const user = patch.auth?.user ?? base?.auth.user;
  const pass = patch.auth?.pass !== undefined ? box.seal(patch.auth.pass) : base?.auth.pass;
  const host = patch.host ?? base?.host;
  const port = patch.port ?? base?.port;
  const missing = [!host && 'host', !port && 'port', !user && 'auth.user', !pass && 'auth.pass'].filter((f): f is string => !!f);
  if (missing.length || !host || !port || !user || !pass) {
    throw validationError(missing.map((f) => ({ field: `${field}.${f}`, reason: 'required when there are no settings to update' })));
  }
  const merged: ServerSettings = { host, port, auth: { user, pass } };
  const secure = patch.secure ?? base?.secure;
  if (secure !== undefined) merged.secure = secure;
  const tls = patch.tls ?? base?.tls;
  if (tls) merged.tls = tls;
  return merged;
}

/** The record after a partial update (throws a 400 when the result would be incomplete). */
export function applyPatch(record: AccountRecord, patch: AccountPatch, box: SecretBox, now: string): AccountRecord {
  const next: AccountRecord = { ...record, updated: now };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.disabled !== undefined) next.disabled = patch.disabled;
  if (patch.email === null) delete next.email;
  else if (patch.email !== undefined) next.email = patch.email;
  if (patch.copy === null) delete next.copy;
  else if (patch.copy !== undefined) next.copy = patch.copy;
  if (patch.imap) next.imap = mergeServer(record.imap, patch.imap, box, 'imap');
  if (patch.smtp === null) delete next.smtp;
  else if (patch.smtp) next.smtp = mergeServer(record.smtp, patch.smtp, box, 'smtp');
  return next;
}

/** Whether going from `a` to `b` needs a new IMAP connection. */
export function needsReconnect(a: AccountRecord, b: AccountRecord, box: SecretBox): boolean {
  if ((a.disabled ?? false) !== (b.disabled ?? false)) return true;
  const open = (sealed: string) => {
    try { return box.open(sealed); } catch { return null; } // sealed with an old key: treat as changed
  };
  const key = (s: ServerSettings) => JSON.stringify([s.host, s.port, s.secure ?? false, s.tls ?? null, s.auth.user, open(s.auth.pass)]);
  return key(a.imap) !== key(b.imap) || open(a.imap.auth.pass) === null;
}
