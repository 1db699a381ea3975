// Shard worker entry: wires the worker's parent port to the shard runtime.
import { parentPort, workerData } from 'node:worker_threads';
import { runShard, type ShardWorkerData } from '../src/actors/shard-main.js';

if (!parentPort) throw new Error('workers/shard.js must run as a worker thread');
runShard(parentPort, workerData as ShardWorkerData);
