// Why the HTTP port could not be opened: uWS only hands back `false`, so a plain Node listen on
// the same address asks the OS for the reason and start-up can say what to do about it.
import { createServer } from 'node:net';

/** Why `host:port` cannot be listened on now, or null when it can (a probe: the port is freed again). */
export async function portProblem(host: string, port: number): Promise<Error | null> {
  const code = await probe(host, port);
  return code === undefined ? null : explain(host, port, code);
}

/** An Error saying why `host:port` cannot be listened on, with the flag to change. */
export async function listenError(host: string, port: number): Promise<Error> {
  return explain(host, port, await probe(host, port));
}

function probe(host: string, port: number): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    server.listen({ host, port }, () => server.close(() => resolve(undefined)));
  });
}

function explain(host: string, port: number, code: string | undefined): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new Error(`port ${port} on ${host} is in use (another server?); stop it or choose another --port`);
    case 'EACCES':
      return new Error(`not permitted to listen on ${where} (ports below 1024 need privileges); choose another --port`);
    case 'EADDRNOTAVAIL':
      return new Error(`cannot listen on ${where}: ${host} is not an address of this machine; check --host`);
    default:
      // the port was freed in between, or a reason Node names but we have no advice for
      return new Error(`cannot listen on ${where}${code ? ` (${code})` : ''}`);
  }
}
