// Turns imapflow failures into what the API says, in one place: connect failures into the account
// status (authentication apart from network), command refusals into 4xx where the request caused
// them (RFC 5530 response codes) and 502/503 where the server or the network did.
import { ApiError, validationError } from '../errors.js';
import { tlsHint } from '../lib/tls-hint.js';

export interface ConnectFailure {
  kind: 'auth' | 'connect';
  message: string;
  code: string | undefined;
}

interface ImapErrorLike {
  message?: unknown;
  code?: unknown;
  responseText?: unknown;
  responseStatus?: unknown;
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
}

/** What a refused login offered: a password, or an access token (it may have expired or been revoked). */
export type LoginKind = 'password' | 'token';

const REFUSED: Record<LoginKind, string> = {
  password: 'the server refused the user name or password',
  token: 'the server refused the access token (expired, revoked, without the mail scope, or for another user)',
};

/** Classify an error thrown by ImapFlow.connect() for a login with `login`. */
export function classifyConnectError(err: unknown, login: LoginKind = 'password'): ConnectFailure {
  const e = (err ?? {}) as ImapErrorLike;
  const code = typeof e.serverResponseCode === 'string' ? e.serverResponseCode
    : typeof e.code === 'string' ? e.code : undefined;
  const responseText = typeof e.responseText === 'string' && e.responseText ? e.responseText : undefined;
  // a token offered to a server without XOAUTH2/OAUTHBEARER: the login, not the network, is wrong
  const noMechanism = typeof e.message === 'string' && /unsupported authentication mechanism/i.test(e.message);
  if (noMechanism) return { kind: 'auth', message: `Authentication failed: ${e.message as string} (the server does not take this kind of login, e.g. an access token)`, code: code ?? 'AUTHENTICATIONFAILED' };
  if (e.authenticationFailed === true) {
    // servers often say just "Authentication failed." — do not repeat it
    const said = responseText && !/^\s*authentication failed\.?\s*$/i.test(responseText) ? responseText : REFUSED[login];
    return { kind: 'auth', message: `Authentication failed: ${said}`, code: code ?? 'AUTHENTICATIONFAILED' };
  }
  const message = responseText ?? (typeof e.message === 'string' ? e.message : 'Connection failed');
  return { kind: 'connect', message: tlsHint(message) ?? message, code };
}

/** The folder name a command makes (CREATE, RENAME's target) and the request field it came from. */
export interface MadeName {
  path: string;
  field: string;
}

// imapflow refuses to put these on the wire (a CR/LF/NUL in a string, a bad UID set): the
// request carried them, so it is the request that is wrong
const UNSENDABLE = new Set(['InvalidStringValue', 'InvalidTokenValue', 'InvalidTextValue', 'InvalidSequenceSet']);
const MISSING = /doesn't exist|does not exist|not found|unknown mailbox/i;

/** Map an error thrown by an IMAP command about folder `path` (when it concerned one) that
 *  maybe makes the folder name `made`. */
export function classifyCommandError(err: unknown, path?: string, made?: MadeName): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as ImapErrorLike;
  const code = typeof e.serverResponseCode === 'string' ? e.serverResponseCode.toUpperCase() : undefined;
  const text = typeof e.responseText === 'string' && e.responseText ? serverWords(e.responseText) : undefined;
  const field = made?.field ?? (path !== undefined ? 'path' : 'request');
  if (typeof e.code === 'string' && UNSENDABLE.has(e.code)) {
    return validationError([{ field, reason: 'holds characters an IMAP command cannot carry (CR, LF or NUL)' }]);
  }
  if (path !== undefined && (code === 'NONEXISTENT' || code === 'TRYCREATE' || (!code && MISSING.test(text ?? '')))) {
    return new ApiError('MailboxNotFound', `Folder "${path}" does not exist`, { path });
  }
  if (text || e.responseStatus === 'NO' || e.responseStatus === 'BAD') {
    const refused = refusal(code, text, path, made, field);
    if (refused) return refused;
    return new ApiError('UpstreamRejected', `IMAP server: ${text ?? String(e.message ?? 'command failed')}`, { ...(code ? { serverResponseCode: code } : {}) });
  }
  const message = typeof e.message === 'string' ? e.message : 'IMAP command failed';
  const ecode = typeof e.code === 'string' ? e.code : '';
  if (/NoConnection|EConnectionClosed|ETIMEOUT|ECONN|EPIPE|socket/i.test(ecode + message)) {
    return new ApiError('NotConnected', `IMAP connection lost: ${message}`);
  }
  return new ApiError('UpstreamRejected', `IMAP: ${message}`);
}

/** A NO the request caused, in our words with the server's after them; null: the server's own failure. */
function refusal(code: string | undefined, text: string | undefined, path: string | undefined, made: MadeName | undefined, field: string): ApiError | null {
  const said = text ? ` (the server said: ${text})` : '';
  const server = { ...(code ? { serverResponseCode: code } : {}), ...(text ? { response: text } : {}) };
  switch (code) {
    case 'ALREADYEXISTS':
      return new ApiError('Conflict', `Folder "${made?.path ?? path ?? ''}" already exists`, { field, ...(made || path ? { path: made?.path ?? path ?? '' } : {}), ...server });
    case 'CANNOT':
    case 'LIMIT': {
      // renaming INBOX: the source is the problem, not the new name
      const about = made && path !== undefined && /^inbox$/i.test(path) ? 'path' : field;
      const what = about === field && made ? `is not a folder name this server accepts${said}` : `cannot be done by this server${said}`;
      return validationError([{ field: about, reason: what }], 'The IMAP server refuses this request');
    }
    case 'NOPERM':
      return new ApiError('Forbidden', `The IMAP server does not allow this account to do that${said}`, server);
    case 'OVERQUOTA':
      return new ApiError('Conflict', `The mailbox is over its quota${said}`, server);
    case undefined:
      // a bare NO to CREATE or RENAME is about the name (Dovecot: a name too long for its storage,
      // a folder moved under its own child); a server failing would say SERVERBUG or UNAVAILABLE
      return made ? validationError([{ field, reason: `was refused by the IMAP server${said}` }], 'The IMAP server refuses this folder name') : null;
    default:
      return null;
  }
}

/** The server's text without Dovecot's timing suffix "(0.001 + 0.000 secs)". */
function serverWords(text: string): string {
  return text.replace(/\s*\(\d+\.\d+( \+ \d+\.\d+)* secs\)\.?\s*$/, '').trim();
}
