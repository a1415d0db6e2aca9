/** The SMTP listener keeps a message only once it has answered 250, as a real mail server does. */
import net from 'node:net';
import { startSmtpServer } from './smtp-listener';

/** Speaks SMTP line by line; resolves each command's reply. */
function smtpSession(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  socket.on('data', (d: Buffer) => {
    buffer += d.toString();
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      // Multi-line replies ("250-...") end with a line whose code is followed by a space.
      if (/^\d{3} /.test(line)) waiting.shift()?.(line);
    }
  });
  const reply = () => new Promise<string>((resolve) => waiting.push(resolve));
  return {
    greeting: reply(),
    send(line: string) {
      const answer = reply();
      socket.write(`${line}\r\n`);
      return answer;
    },
    write: (data: string) => socket.write(data),
    reply,
    destroy: () => socket.destroy(),
  };
}

async function upToData(url: string) {
  const session = smtpSession(url);
  expect(await session.greeting).toMatch(/^220 /);
  await session.send('EHLO test');
  await session.send('MAIL FROM:<a@test>');
  await session.send('RCPT TO:<b@test>');
  expect(await session.send('DATA')).toMatch(/^354 /);
  return session;
}

const message = 'Message-ID: <one@test>\r\nSubject: hello\r\n\r\nbody\r\n.\r\n';

test('a client that goes away before the listener answered the data has not sent it: nothing is kept', async () => {
  const smtp = await startSmtpServer({ acceptDelayMs: 500 });
  try {
    const session = await upToData(smtp.url);
    session.write(message);
    while (smtp.inFlight() === 0) await new Promise((r) => setTimeout(r, 10));
    session.destroy();
    await new Promise((r) => setTimeout(r, 800));
    expect(smtp.mails).toHaveLength(0);
    expect(smtp.abandoned()).toBe(1);
    expect(smtp.inFlight()).toBe(0);
  } finally {
    await smtp.close();
  }
});

test('a client that waits for the answer has sent it: it is kept once 250 goes out', async () => {
  const smtp = await startSmtpServer({ acceptDelayMs: 300 });
  try {
    const session = await upToData(smtp.url);
    const accepted = session.reply();
    session.write(message);
    expect(await accepted).toMatch(/^250 /);
    expect(smtp.mails.map((m) => m.messageId)).toEqual(['<one@test>']);
    expect(smtp.abandoned()).toBe(0);
    session.destroy();
  } finally {
    await smtp.close();
  }
});

test('held, the listener answers nothing until released; then every waiting message is kept', async () => {
  const smtp = await startSmtpServer();
  try {
    smtp.hold();
    const session = await upToData(smtp.url);
    const accepted = session.reply();
    session.write(message);
    while (smtp.inFlight() === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails).toHaveLength(0);
    smtp.release();
    expect(await accepted).toMatch(/^250 /);
    expect(smtp.mails).toHaveLength(1);
    session.destroy();
  } finally {
    await smtp.close();
  }
});

test('a greylisted recipient is answered 450 4.2.0 for its first attempts, then accepted', async () => {
  const smtp = await startSmtpServer({ deferRecipients: (address, attempt) => address === 'b@test' && attempt <= 2 });
  try {
    const session = smtpSession(smtp.url);
    expect(await session.greeting).toMatch(/^220 /);
    await session.send('EHLO test');
    await session.send('MAIL FROM:<a@test>');
    expect(await session.send('RCPT TO:<b@test>')).toMatch(/^450 4\.2\.0 .*greylisted/);
    expect(await session.send('RCPT TO:<c@test>')).toMatch(/^250 /);
    expect(await session.send('RCPT TO:<b@test>')).toMatch(/^450 /);
    expect(await session.send('RCPT TO:<b@test>')).toMatch(/^250 /);
    session.destroy();
  } finally {
    await smtp.close();
  }
});
