// Issue 14 review: the front answers the webhook worker's content calls; a worker that died and
// was respawned numbers its calls from 1 again, so an answer meant for the dead worker must not
// reach the new one (it would settle the new worker's call of the same id with another event's
// content, possibly another account's mail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../src/log.js';
import { WebhookWorker } from '../src/supervisor/webhook-worker.js';

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), what);
};

test('issue-14: a content answer for a dead webhook worker never reaches its successor', async () => {
  const asked: ((data: Record<string, unknown>) => void)[] = [];
  const reports: Record<string, unknown>[] = [];
  const worker = new WebhookWorker({
    requestTimeout: 10_000,
    log: createLogger('silent', 'test'),
    workerData: { dataDir: '', key: Buffer.alloc(32), logLevel: 'silent', retention: 1000, requestTimeout: 10_000 },
    workerUrl: new URL('./helpers/front-caller-worker.js', import.meta.url),
    front: {
      eventContent: async ({ account, data }) => {
        if (account === 'report') { reports.push(data); return { data }; }
        return new Promise((resolve) => asked.push((d) => resolve({ data: d })));
      },
    },
  });
  await worker.start();
  await until(() => asked.length === 1, 'the first worker asked');
  await worker.crash();
  await until(() => asked.length === 2 && worker.state === 'up', 'the respawned worker asked');
  asked[0]!({ event: 'of the dead worker' });
  await new Promise((r) => setTimeout(r, 200));
  asked[1]!({ event: 'of the new worker' });
  await until(() => reports.length >= 1, 'the new worker got its answer');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(reports, [{ event: 'of the new worker' }]);
  await worker.shutdown(100);
});
