// Pure rules for account settings: which credentials a server's settings need, sealing
// passwords and tokens, applying a partial update, the defaults (notifyFrom, path, resync
// delay), and deciding whether a change needs a new IMAP connection.
import { validationError } from '../errors.js';
import type { AccountInput, AccountPatch, Oauth2Settings, ServerPatch, ServerSettings } from '../schemas/account.js';
import type { MailServer } from '../schemas/oauth2.js';
import { mapSecrets, type AccountRecord } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';

/** Whether the account logs in with tokens of an OAuth2 app (refreshed by the server). */
export function isAppLogin(oauth2: Oauth2Settings | undefined): oauth2 is Oauth2Settings & { app: string; user: string; refreshToken: string } {
  return oauth2?.app !== undefined;
}

/** An app login names its app, user and refresh token together; a 400 names what is missing. */
export function checkOauth2(oauth2: Oauth2Settings | undefined): void {
  if (!oauth2) return;
  const given = (['app', 'user', 'refreshToken'] as const).filter((k) => oauth2[k] !== undefined);
  if (given.length === 0 || given.length === 3) return;
  const missing = (['app', 'user', 'refreshToken'] as const).filter((k) => oauth2[k] === undefined);
  throw validationError(missing.map((k) => ({ field: `oauth2.${k}`, reason: 'required with the other fields of an OAuth2 app login (app, user, refreshToken)' })));
}

/** A login needs `pass` or `accessToken` unless the auth server or an OAuth2 app hands them out; a 400 names the field. */
export function checkCredentials(s: ServerSettings, field: string, appLogin = false): void {
  if (s.useAuthServer) return;
  if (appLogin && (s.auth?.pass === undefined && s.auth?.accessToken === undefined)) return;
  if (!s.auth) throw validationError([{ field: `${field}.auth`, reason: 'required unless useAuthServer is true or oauth2 names an app' }]);
  const { pass, accessToken } = s.auth;
  if (pass === undefined && accessToken === undefined) {
    throw validationError([{ field: `${field}.auth.pass`, reason: 'required: pass or accessToken (or set useAuthServer)' }]);
  }
  if (pass !== undefined && accessToken !== undefined) {
    throw validationError([{ field: `${field}.auth.accessToken`, reason: 'give pass or accessToken, not both' }]);
  }
}

/** With useAuthServer nothing secret is kept: only the user name, if one was given. */
function withoutStoredSecrets<T extends ServerSettings>(s: T): T {
  if (!s.useAuthServer || !s.auth) return s;
  const { auth, ...rest } = s;
  return { ...rest, auth: { user: auth.user } } as T;
}

/** Checked and sealed settings of one server. */
function sealServer<T extends ServerSettings>(s: T, box: SecretBox, field: string, appLogin: boolean): T {
  checkCredentials(s, field, appLogin);
  return mapSecrets(withoutStoredSecrets(s), (secret) => box.seal(secret));
}

/** Stored record for API input; `created` is kept from the record it replaces. */
export function toRecord(input: AccountInput, box: SecretBox, created: string | undefined, now: string): AccountRecord {
  const { smtp, imap, ...rest } = input;
  checkOauth2(input.oauth2);
  const app = isAppLogin(input.oauth2);
  if (!imap) throw validationError([{ field: 'imap', reason: app ? 'required: the OAuth2 app names no IMAP server (set its imap, or give imap here)' : 'required (only an account on an OAuth2 app may leave it out)' }]);
  const record: AccountRecord = { ...rest, imap: sealServer(imap, box, 'imap', app), created: created ?? now, updated: now };
  if (input.oauth2?.refreshToken !== undefined) record.oauth2 = { ...input.oauth2, refreshToken: box.seal(input.oauth2.refreshToken) };
  if (smtp) record.smtp = sealServer(smtp, box, 'smtp', app);
  return record;
}

/** The stored auth after a patch: a new pass replaces a token and the other way round. */
function mergeAuth(base: ServerSettings['auth'], patch: ServerPatch['auth'], box: SecretBox): Partial<NonNullable<ServerSettings['auth']>> {
  const auth: Partial<NonNullable<ServerSettings['auth']>> = { ...base };
  if (patch?.user !== undefined) auth.user = patch.user;
  if (patch?.pass !== undefined) {
    auth.pass = box.seal(patch.pass);
    delete auth.accessToken;
  } else if (patch?.accessToken !== undefined) {
    auth.accessToken = box.seal(patch.accessToken);
    delete auth.pass;
  }
  return auth;
}

function mergeServer(base: ServerSettings | undefined, patch: ServerPatch, box: SecretBox, field: string, appLogin: boolean): ServerSettings {
  const host = patch.host ?? base?.host;
  const port = patch.port ?? base?.port;
  const missing = [!host && 'host', !port && 'port'].filter((f): f is string => !!f);
  if (missing.length || !host || !port) {
    throw validationError(missing.map((f) => ({ field: `${field}.${f}`, reason: 'required when there are no settings to update' })));
  }
  const merged: ServerSettings = { host, port };
  const secure = patch.secure ?? base?.secure;
  if (secure !== undefined) merged.secure = secure;
  const tls = patch.tls ?? base?.tls;
  if (tls) merged.tls = tls;
  const useAuthServer = patch.useAuthServer ?? base?.useAuthServer;
  if (useAuthServer !== undefined) merged.useAuthServer = useAuthServer;
  const resyncDelay = patch.resyncDelay === null ? undefined : patch.resyncDelay ?? base?.resyncDelay;
  if (resyncDelay !== undefined) merged.resyncDelay = resyncDelay;
  const auth = mergeAuth(base?.auth, patch.auth, box);
  if (auth.user !== undefined) merged.auth = auth as NonNullable<ServerSettings['auth']>;
  else if (auth.pass !== undefined || auth.accessToken !== undefined) {
    throw validationError([{ field: `${field}.auth.user`, reason: 'required with a password or access token' }]);
  }
  // the sealed values stand in for the secrets: the rule is about which are present
  checkCredentials(merged, field, appLogin);
  return withoutStoredSecrets(merged);
}

/** `field: null` removes it, a value replaces it, absent keeps it. */
function reset<K extends 'email' | 'copy' | 'path' | 'notifyFrom'>(next: AccountRecord, key: K, value: AccountRecord[K] | null | undefined): void {
  if (value === null) delete next[key];
  else if (value !== undefined) next[key] = value;
}

/** The record after a partial update (throws a 400 when the result would be incomplete). */
export function applyPatch(record: AccountRecord, patch: AccountPatch, box: SecretBox, now: string): AccountRecord {
  const next: AccountRecord = { ...record, updated: now };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.disabled !== undefined) next.disabled = patch.disabled;
  reset(next, 'email', patch.email);
  reset(next, 'copy', patch.copy);
  reset(next, 'path', patch.path);
  reset(next, 'notifyFrom', patch.notifyFrom);
  if (patch.oauth2) next.oauth2 = patchOauth2(record, patch.oauth2, box);
  const app = isAppLogin(next.oauth2);
  if (patch.imap) next.imap = mergeServer(record.imap, patch.imap, box, 'imap', app);
  if (patch.smtp === null || patch.smtp === false) delete next.smtp;
  else if (patch.smtp) next.smtp = mergeServer(record.smtp, patch.smtp, box, 'smtp', app);
  return next;
}

/** A new user or refresh token of an app login (there is nothing to patch on other accounts). */
function patchOauth2(record: AccountRecord, patch: NonNullable<AccountPatch['oauth2']>, box: SecretBox): Oauth2Settings {
  if (!isAppLogin(record.oauth2)) throw validationError([{ field: 'oauth2', reason: 'the account is not an OAuth2 app login; give the whole account with POST /v1/account' }]);
  const next = { ...record.oauth2 };
  if (patch.user !== undefined) next.user = patch.user;
  if (patch.refreshToken !== undefined) next.refreshToken = box.seal(patch.refreshToken);
  return next;
}

/** An app login without its own servers gets the app's (its preset or its settings). */
export function withAppServers(input: AccountInput, servers: { imap?: MailServer; smtp?: MailServer }): AccountInput {
  if (!isAppLogin(input.oauth2)) return input;
  const out = { ...input };
  if (!out.imap && servers.imap) out.imap = { ...servers.imap };
  if (out.smtp === undefined && servers.smtp) out.smtp = { ...servers.smtp };
  return out;
}

/** Whether the account asked for mail from before it was added (its first sync announces it). */
export function asksForOlderMail(r: AccountRecord): boolean {
  return r.notifyFrom !== undefined && Date.parse(r.notifyFrom) < Date.parse(r.created);
}

/** Messages with an older internal date never produce messageNew (ms since epoch). */
export function notifyFromOf(r: AccountRecord): number {
  return Date.parse(r.notifyFrom ?? r.created);
}

/** The one folder watched for changes, or null for every folder. */
export function watchedPath(r: AccountRecord): string | null {
  return r.path === undefined || r.path === '*' ? null : r.path;
}

/** Sweep interval of the folders other than INBOX, ms: the account's resyncDelay over the server's. */
export function sweepInterval(r: AccountRecord, serverDefault: number): number {
  return r.imap.resyncDelay !== undefined ? Math.round(r.imap.resyncDelay * 1000) : serverDefault;
}

/** Whether going from `a` to `b` needs a new IMAP connection. A new access token alone does
 *  not: it is used at the next login (tokens are renewed often; each would cut IDLE). */
export function needsReconnect(a: AccountRecord, b: AccountRecord, box: SecretBox): boolean {
  if ((a.disabled ?? false) !== (b.disabled ?? false)) return true;
  const open = (sealed: string | undefined) => {
    if (sealed === undefined) return undefined;
    try { return box.open(sealed); } catch { return null; } // sealed with an old key: treat as changed
  };
  const key = (r: AccountRecord) => {
    const s = r.imap;
    return JSON.stringify([s.host, s.port, s.secure ?? false, s.tls ?? null, s.useAuthServer ?? false, s.auth?.user ?? null,
      open(s.auth?.pass) ?? null, s.auth?.accessToken !== undefined, watchedPath(r), s.resyncDelay ?? null,
      r.oauth2?.app ?? null, r.oauth2?.user ?? null]);
  };
  return key(a) !== key(b) || open(a.imap.auth?.pass) === null || open(a.imap.auth?.accessToken) === null;
}
