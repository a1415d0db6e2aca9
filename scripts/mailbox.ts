/** `npm run mailbox`: lists the local mailbox (mail written when SMTP_URL is unset), newest last. */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/env';

const dir = loadConfig().mail.mailboxDir;
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
if (files.length === 0) console.log(`No mail yet in ${dir}.`);
const header = (raw: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\n[ \\t].*)*)`, 'mi')
    .exec(raw)?.[1]
    ?.replace(/\n[ \t]+/g, ' ')
    .trim() ?? '';
/** Decodes RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=) for display. */
const decode = (value: string) =>
  value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
const mails = files
  .map((f) => ({ file: path.join(dir, f), mtime: fs.statSync(path.join(dir, f)).mtimeMs }))
  .sort((a, b) => a.mtime - b.mtime);
for (const { file } of mails) {
  const head = fs.readFileSync(file, 'utf8').split('\n\n')[0] ?? '';
  console.log(
    `${header(head, 'Date')}\n  To:      ${header(head, 'To')}\n  Subject: ${decode(header(head, 'Subject'))}\n  File:    ${file}`,
  );
}
