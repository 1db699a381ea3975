import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { ApiError } from '../src/errors.js';
import { RpcClient } from '../src/protocol/client.js';
import { serveWebhooks } from '../src/protocol/server.js';
import type { WebhookHandlers } from '../src/protocol/ops.js';
import type { ReplyMsg, RequestMsg, WebhookRequestMsg } from '../src/protocol/wire.js';

function channel(handlers: Partial<WebhookHandlers>) {
  const { port1, port2 } = new MessageChannel();
  const handle = serveWebhooks(handlers as WebhookHandlers, (m) => port2.postMessage(m), () => {});
  port2.on('message', (m: WebhookRequestMsg) => handle(m));
  const client = new RpcClient<WebhookRequestMsg>((m) => port1.postMessage(m));
  port1.on('message', (m: ReplyMsg) => client.handle(m));
  return { client, close: () => { port1.close(); port2.close(); } };
}

const view = {
  webhookEvents: ['*'], webhooksEnabled: true, secretSet: false, notifyHeaders: [], notifyText: false, notifyTextSize: 0,
  gmailClientSecretSet: false, logs: { all: false, accounts: [], maxLogLines: 10_000, resetLoggedAccounts: false },
};

test('webhook ops cross a real MessagePort; errors keep their code', async () => {
  const { client, close } = channel({
    getSettings: async () => view,
    testWebhook: async () => { throw new ApiError('Conflict', 'no URL'); },
  });
  assert.deepEqual(await client.callWebhooks('getSettings', {}, 1000), view);
  await assert.rejects(client.callWebhooks('testWebhook', {}, 1000), (e: ApiError) => e.code === 'Conflict' && e.status === 409);
  assert.equal(client.inFlight, 0);
  close();
});

test('each channel takes only its own ops (checked by the compiler)', () => {
  const shardClient = new RpcClient<RequestMsg>(() => {});
  const webhookClient = new RpcClient<WebhookRequestMsg>(() => {});
  const never = () => {
    // @ts-expect-error a webhook op is not served by a shard
    void shardClient.callWebhooks('getSettings', {}, 1);
    // @ts-expect-error a shard op is not served by the webhook worker
    void webhookClient.callShard('listAccounts', {}, 1);
    // @ts-expect-error nor an account op
    void webhookClient.callAccount('a', 'getAccount', {}, 1);
    // @ts-expect-error an op name that exists nowhere
    void webhookClient.callWebhooks('nope', {}, 1);
    // @ts-expect-error arguments are typed per op
    void webhookClient.callWebhooks('listDeadLetters', { page: 'x' }, 1);
    // @ts-expect-error the front's ops are called only by the webhook worker, on its own channel
    void webhookClient.callFront('eventContent', { account: 'a', data: {}, options: { text: true, textSize: 0, headers: [] } }, 1);
  };
  assert.equal(typeof never, 'function');
});
