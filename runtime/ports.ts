import net from 'node:net';

/**
 * Ports are chosen below the kernel's ephemeral range (32768–60999 on Linux), where outgoing
 * connections take their local ports: a port the OS handed out with listen(0) may be taken by some
 * client's socket before our server binds it, which is what a busy test run did (EADDRINUSE).
 */
const FIRST = 20_000;
const LAST = 32_000;
/** Handed out by this process already: never twice, even before the first one is bound. */
const handedOut = new Set<number>();

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A TCP port nothing listens on right now (the SDK's metrics endpoint, and the dev stack's servers). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (handedOut.has(port)) continue;
    // Both: the API listens on every address, the dev servers on 127.0.0.1.
    if ((await bindable(port, '0.0.0.0')) && (await bindable(port, '127.0.0.1'))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free TCP port between ${FIRST} and ${LAST}`);
}
