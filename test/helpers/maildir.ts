// Fills a Dovecot folder fast by writing bulk messages straight into its Maildir, then asks
// Dovecot over IMAP which UID each got: APPEND runs at ~200 messages/s here, this at thousands.
import { chown, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dovecot } from './dovecot.js';
import { bulkMessage, imapClient, type ImapLogin } from './seed.js';

let fileCounter = 0;

/** Write messages `make(0..count-1)` into the Maildir of `folder` (created over IMAP first). */
export async function writeMaildir(dovecot: Dovecot, login: ImapLogin, folder: string, count: number, make: (i: number) => Buffer): Promise<void> {
  const client = await imapClient(login);
  try {
    // logging in and creating the folder over IMAP makes Dovecot lay out the Maildir itself
    if (folder.toUpperCase() !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
    await client.status(folder, { messages: true });
  } finally {
    await client.logout().catch(() => client.close());
  }
  const maildir = join(dovecot.home(login.user), 'Maildir');
  const dir = folder.toUpperCase() === 'INBOX' ? maildir : join(maildir, `.${folder}`);
  await mkdir(join(dir, 'new'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true });
  const owner = await stat(maildir);
  const stamp = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - i) }, async (_, k) => {
      // Maildir delivery: write in tmp/, then rename into new/, where Dovecot may take it at once
      const name = `${stamp}.M${++fileCounter}P${process.pid}.bulk`;
      await writeFile(join(dir, 'tmp', name), make(i + k));
      await chown(join(dir, 'tmp', name), owner.uid, owner.gid);
      await rename(join(dir, 'tmp', name), join(dir, 'new', name));
    }));
  }
}

/** Put bulkMessage(0..count-1) into `folder` of `login.user`; returns UID → message index. */
export async function fillMaildir(dovecot: Dovecot, login: ImapLogin, folder: string, count: number): Promise<Map<number, number>> {
  await writeMaildir(dovecot, login, folder, count, bulkMessage);
  const client = await imapClient(login);
  try {
    const byUid = new Map<number, number>();
    await client.mailboxOpen(folder, { readOnly: true });
    for await (const msg of client.fetch('1:*', { uid: true, envelope: true })) {
      const index = /^<bulk-(\d+)@/.exec(msg.envelope?.messageId ?? '')?.[1];
      if (index !== undefined) byUid.set(msg.uid, Number(index));
    }
    if (byUid.size !== count) throw new Error(`fillMaildir: Dovecot sees ${byUid.size} of ${count} messages`);
    return byUid;
  } finally {
    await client.logout().catch(() => client.close());
  }
}
