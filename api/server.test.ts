import net from 'node:net';
import type { AppDeps } from './app';
import { startApi } from './server';

test('starting the API on a port that is taken fails instead of claiming to listen', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  try {
    // The dependencies are not touched before a request arrives.
    await expect(startApi({} as AppDeps, port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
