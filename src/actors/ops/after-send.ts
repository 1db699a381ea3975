// What follows a delivered submission, on the account's API connection: a copy in the Sent
// folder (unless the account says copy: false, or by default on servers that file sent mail
// themselves: Gmail's X-GM-EXT-1), and \Answered or $Forwarded on the original.
import type { Logger } from '../../log.js';
import { findSpecial } from '../../imap/special-use.js';
import type { OutboxMeta } from '../../store/outbox.js';
import type { ApiSession } from '../api-session.js';

export interface AfterSend {
  session: ApiSession;
  /** the account's `copy` setting (undefined: the default) */
  copy: boolean | undefined;
  reference: OutboxMeta['reference'];
  raw: Uint8Array;
  log: Logger;
  touched(paths: string[]): void;
}

const FLAG = { reply: '\\Answered', replyAll: '\\Answered', forward: '$Forwarded' } as const;

/** Both steps are best effort: the message is out already, so a failure is logged, not raised. */
export async function afterSend(a: AfterSend): Promise<void> {
  const touched: string[] = [];
  if (a.copy !== false) {
    try {
      const sent = await a.session.withClient(async (client, { must }) => {
        if (a.copy === undefined && client.capabilities.has('X-GM-EXT-1')) return null;
        const folder = findSpecial(await client.list(), '\\Sent');
        if (!folder) return null;
        must(await client.append(folder.path, Buffer.from(a.raw.buffer, a.raw.byteOffset, a.raw.byteLength), ['\\Seen']), 'store the sent copy', folder.path);
        return folder.path;
      });
      if (sent) touched.push(sent);
    } catch (err) {
      a.log.warn({ err: (err as Error).message }, 'could not store the sent copy');
    }
  }
  const ref = a.reference;
  if (ref) {
    try {
      await a.session.inMailbox(ref.path, async (client, _mb, { must }) => {
        must(await client.messageFlagsAdd(String(ref.uid), [FLAG[ref.action]], { uid: true }), 'flag the original');
      }, { write: true });
      touched.push(ref.path);
    } catch (err) {
      a.log.warn({ err: (err as Error).message, path: ref.path }, 'could not flag the original message');
    }
  }
  if (touched.length) a.touched(touched);
}
