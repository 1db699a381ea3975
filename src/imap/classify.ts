// Turns imapflow's connection failures into what the account status shows: authentication
// problems apart from network ones, with the server's own words and never the password.

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
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
}

/** Classify an error thrown by ImapFlow.connect(). */
export function classifyConnectError(err: unknown): ConnectFailure {
  const e = (err ?? {}) as ImapErrorLike;
  const code = typeof e.serverResponseCode === 'string' ? e.serverResponseCode
    : typeof e.code === 'string' ? e.code : undefined;
  const responseText = typeof e.responseText === 'string' && e.responseText ? e.responseText : undefined;
  // a token offered to a server without XOAUTH2/OAUTHBEARER: the login, not the network, is wrong
  const noMechanism = typeof e.message === 'string' && /unsupported authentication mechanism/i.test(e.message);
  if (noMechanism) return { kind: 'auth', message: `Authentication failed: ${e.message as string} (the server does not take this kind of login, e.g. an access token)`, code: code ?? 'AUTHENTICATIONFAILED' };
  if (e.authenticationFailed === true) {
    // servers often say just "Authentication failed." — do not repeat it
    const said = responseText && !/^\s*authentication failed\.?\s*$/i.test(responseText) ? responseText : 'the server refused the user name or password';
    return { kind: 'auth', message: `Authentication failed: ${said}`, code: code ?? 'AUTHENTICATIONFAILED' };
  }
  let message = responseText ?? (typeof e.message === 'string' ? e.message : 'Connection failed');
  return { kind: 'connect', message: tlsHint(message) ?? message, code };
}
