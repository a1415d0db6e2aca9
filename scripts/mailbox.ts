/** `npm run mailbox`: lists the local mailbox (mail written when SMTP_URL is unset), newest last. */
import fs from 'node:fs';
import path from 'node:path';
import { headerOf } from '../activities/mail-headers';
import { loadConfig } from '../config/env';

const dir = loadConfig().mail.mailboxDir;
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
if (files.length === 0) console.log(`No mail yet in ${dir}.`);
const mails = files
  .map((f) => ({ file: path.join(dir, f), mtime: fs.statSync(path.join(dir, f)).mtimeMs }))
  .sort((a, b) => a.mtime - b.mtime);
for (const { file } of mails) {
  const raw = fs.readFileSync(file, 'utf8');
  console.log(
    `${headerOf(raw, 'Date')}\n  To:      ${headerOf(raw, 'To')}\n  Subject: ${headerOf(raw, 'Subject')}\n  File:    ${file}`,
  );
}
