// Turns imapflow command failures into API errors in one place: a missing folder is a 404
// naming it, anything else the server said no to is a 502 with the server's own words.
import { ApiError } from '../errors.js';

interface CommandErrorLike {
  message?: unknown;
  code?: unknown;
  responseText?: unknown;
  responseStatus?: unknown;
  serverResponseCode?: unknown;
}

/** Map an error thrown by an IMAP command on `path` (when it concerned a folder). */
export function classifyCommandError(err: unknown, path?: string): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as CommandErrorLike;
  const code = typeof e.serverResponseCode === 'string' ? e.serverResponseCode.toUpperCase() : undefined;
  const text = typeof e.responseText === 'string' && e.responseText ? e.responseText : undefined;
  if (path !== undefined && (code === 'NONEXISTENT' || code === 'TRYCREATE' || /doesn't exist|does not exist|not found|unknown mailbox/i.test(text ?? ''))) {
    return new ApiError('MailboxNotFound', `Folder "${path}" does not exist`, { path });
  }
  if (code === 'ALREADYEXISTS') return new ApiError('Conflict', text ?? 'Already exists', { serverResponseCode: code, ...(path ? { path } : {}) });
  if (text || e.responseStatus === 'NO' || e.responseStatus === 'BAD') {
    return new ApiError('UpstreamRejected', `IMAP server: ${text ?? String(e.message ?? 'command failed')}`, { ...(code ? { serverResponseCode: code } : {}) });
  }
  const message = typeof e.message === 'string' ? e.message : 'IMAP command failed';
  const ecode = typeof e.code === 'string' ? e.code : '';
  if (/NoConnection|EConnectionClosed|ETIMEOUT|ECONN|EPIPE|socket/i.test(ecode + message)) {
    return new ApiError('NotConnected', `IMAP connection lost: ${message}`);
  }
  return new ApiError('UpstreamRejected', `IMAP: ${message}`);
}
