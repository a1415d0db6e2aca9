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

describe('requests Node cannot parse get the contract error body, not a bare status line', () => {
  async function rawExchange(request: string): Promise<string> {
    const api = await startApi({} as AppDeps, 0, '127.0.0.1');
    try {
      const port = Number(new URL(api.url).port);
      return await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    } finally {
      await api.close();
    }
  }

  function parse(answer: string) {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    return { statusLine: head.split('\r\n')[0], body: JSON.parse(body) as unknown };
  }

  test('headers over 16 KiB: 431 with code headers_too_large', async () => {
    const answer = await rawExchange(`GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(parse(answer)).toEqual({
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      body: { error: { code: 'headers_too_large', message: expect.any(String) } },
    });
  });

  test('a request line that is not HTTP: 400 with code bad_request', async () => {
    const answer = await rawExchange('HELLO THERE\r\n\r\n');
    expect(parse(answer)).toEqual({
      statusLine: 'HTTP/1.1 400 Bad Request',
      body: { error: { code: 'bad_request', message: expect.any(String) } },
    });
  });
});
