// Floor of the front-only routes: a bare uWS app on one thread answering each captured path
// with the product's bytes (status line, content type, body) and nothing else.
// Usage: node dist/bench/floors/uws-bare.js <port> <fixtures.json>
import uWS from 'uWebSockets.js';
import { loadFixtures } from './fixtures.js';

const [port = '0', file = ''] = process.argv.slice(2);
const fixtures = loadFixtures(file);
const app = uWS.App();
for (const [path, f] of Object.entries(fixtures)) {
  app.get(path.split('?')[0]!, (res) => {
    res.cork(() => res.writeStatus(f.status).writeHeader('content-type', f.contentType).end(f.body));
  });
}
app.listen('127.0.0.1', Number(port), (socket) => {
  if (!socket) process.exit(1);
  process.send?.('ready');
});
