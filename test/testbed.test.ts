// Checks the end-to-end test bed itself: the private Dovecot, seeding over APPEND, and
// stop()/start() on the same port, so later e2e failures are not blamed on the harness.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, seedSpec, type ImapLogin } from './helpers/seed.js';

describe('testbed: private Dovecot', () => {
  let dovecot: Dovecot;
  const clients: ImapFlow[] = [];
  const login = (user: string, pass = dovecot.password): ImapLogin => ({
    host: dovecot.host, port: dovecot.port, user, pass,
  });
  const connect = async (l: ImapLogin): Promise<ImapFlow> => {
    const c = await imapClient(l);
    clients.push(c);
    return c;
  };

  before(async () => {
    dovecot = await startDovecot();
  });

  after(async () => {
    for (const c of clients) c.close();
    await dovecot?.close();
  });

  it('accepts the shared password and rejects a wrong one', async () => {
    const user = dovecot.user('login');
    const c = await connect(login(user));
    assert.equal(c.authenticated, true);
    assert.ok(c.capabilities.has('UIDPLUS'), 'Dovecot advertises UIDPLUS');
    await c.logout();

    await assert.rejects(imapClient(login(user, 'wrong')), (err: { authenticationFailed?: boolean }) => {
      assert.equal(err.authenticationFailed, true);
      return true;
    });
  });

  it('has the special-use folders', async () => {
    const c = await connect(login(dovecot.user('special')));
    const list = await c.list();
    const byUse = new Map(list.map((m) => [m.specialUse, m.path]));
    for (const use of ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive']) {
      assert.ok(byUse.has(use), `special-use ${use} present in ${JSON.stringify([...byUse])}`);
    }
    await c.logout();
  });

  it('seeds INBOX and a new folder; the source comes back byte for byte', async () => {
    const l = login(dovecot.user('seed'));
    const inbox = await appendMessages(l, 'INBOX', 5);
    const other = await appendMessages(l, 'Projects', 5, { start: 100, flags: ['\\Seen'] });
    assert.deepEqual(inbox.map((m) => m.uid), [1, 2, 3, 4, 5]);
    assert.deepEqual(other.map((m) => m.uid), [1, 2, 3, 4, 5]);

    const c = await connect(l);
    for (const box of ['INBOX', 'Projects']) {
      const st = await c.status(box, { messages: true, unseen: true });
      assert.ok(st, `STATUS ${box}`);
      assert.equal(st.messages, 5);
      assert.equal(st.unseen, box === 'INBOX' ? 5 : 0);
    }

    // index 2 has a Japanese subject and a non-ASCII attachment name
    const seeded = inbox[2];
    assert.ok(seeded);
    assert.equal(seeded.spec.subject, seedSpec(2).subject);
    assert.match(seeded.spec.subject, /[^\x00-\x7f]/);
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msg = await c.fetchOne(String(seeded.uid), { source: true, envelope: true }, { uid: true });
      assert.ok(msg && msg.source && msg.envelope);
      assert.ok(msg.source.equals(seeded.raw), 'fetched source equals appended bytes');
      assert.equal(msg.envelope.subject, seeded.spec.subject);
      assert.equal(msg.envelope.messageId, seeded.spec.messageId);
      assert.equal(msg.envelope.from?.[0]?.name, seeded.spec.from.name);
    } finally {
      lock.release();
    }
    await c.logout();
  });

  it('stop() drops and refuses connections, start() serves again on the same port', async () => {
    const l = login(dovecot.user('restart'));
    const c = await connect(l);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    const port = dovecot.port;

    await dovecot.stop();
    await closed;
    assert.equal(c.usable, false, 'open connection is dropped');
    await assert.rejects(imapClient(l), (err: { code?: string }) => {
      assert.equal(err.code, 'ECONNREFUSED');
      return true;
    });

    await dovecot.start();
    assert.equal(dovecot.port, port);
    const c2 = await connect(l);
    assert.equal(c2.authenticated, true);
    await c2.logout();
  });
});
