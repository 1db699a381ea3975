// An RFC 7662 token introspection endpoint on 127.0.0.1, as Dovecot's oauth2 passdb asks it
// (POST token=…): a known token is active with `sub` = its user, anything else inactive.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Introspection {
  url: string;
  close(): void;
}

/** `users`: token → user name; read at each request, so tokens may be added later. */
export async function startIntrospection(users: ReadonlyMap<string, string>): Promise<Introspection> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      const user = users.get(new URLSearchParams(body).get('token') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user ? { active: true, sub: user } : { active: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`,
    close: () => { server.closeAllConnections(); server.close(); },
  };
}
