// Why the HTTP port could not be opened: uWS only hands back `false`, so a plain Node listen on
// the same address asks the OS for the reason and start-up can say what to do about it.
import { createServer } from 'node:net';

/** An Error saying why `host:port` cannot be listened on, with the flag to change. */
export async function listenError(host: string, port: number): Promise<Error> {
  const code = await new Promise<string | undefined>((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    probe.listen({ host, port }, () => probe.close(() => resolve(undefined)));
  });
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
