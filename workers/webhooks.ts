// Webhook worker entry: wires the worker's parent port to the webhook runtime.
import { parentPort, workerData } from 'node:worker_threads';
import { runWebhooks, type WebhookWorkerData } from '../src/webhooks/main.js';

if (!parentPort) throw new Error('workers/webhooks.js must run as a worker thread');
runWebhooks(parentPort, workerData as WebhookWorkerData);
