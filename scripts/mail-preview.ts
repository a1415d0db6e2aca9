/**
 * `npm run mail:preview`: renders every mail (each occasion in Swedish and English, and the portal's
 * sign-in and invitation mails, with realistic data: scripts/mail-samples.ts) as HTML and plain text into DATA_DIR/mail-preview (or the folder
 * given with --out), with an index.html that shows each one at phone and desktop width. With
 * --serve it also serves the folder (http://127.0.0.1:4100, or --port) until Ctrl-C, for a
 * browser that cannot open the files themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import { renderMail, type RenderedMail } from '../activities/templates';
import { renderInvitationMail, renderSignInMail } from '../activities/templates/portal-mail';
import { escapeHtml } from '../domain/text';
import { loadConfig } from '../config/env';
import { mailSamples, portalMailSamples } from './mail-samples';

const { values } = parseArgs({
  options: { out: { type: 'string' }, serve: { type: 'boolean' }, port: { type: 'string', default: '4100' } },
});
const outDir = path.resolve(values.out ?? path.join(loadConfig().dataDir, 'mail-preview'));

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const rows: string[] = [];
  const write = (name: string, what: string, locale: string, to: string, mail: RenderedMail) => {
    fs.writeFileSync(path.join(outDir, `${name}.html`), mail.html);
    fs.writeFileSync(path.join(outDir, `${name}.txt`), `Subject: ${mail.subject}\n\n${mail.text}\n`);
    rows.push(
      `<tr><td>${what}</td><td>${locale}</td><td>${to}</td>` +
        `<td><a href="${name}.html" target="mail">${escapeHtml(mail.subject)}</a></td>` +
        `<td>${Buffer.byteLength(mail.html)}</td><td><a href="${name}.txt" target="mail">text</a></td></tr>`,
    );
  };
  for (const { name, occasion, locale, facts } of mailSamples())
    write(name, occasion, locale, facts.audience, await renderMail(occasion, locale, facts));
  for (const sample of portalMailSamples()) {
    const mail =
      sample.kind === 'sign-in'
        ? await renderSignInMail(sample.locale, sample.facts)
        : await renderInvitationMail(sample.locale, sample.facts);
    write(sample.name, sample.kind, sample.locale, 'person', mail);
  }
  fs.writeFileSync(path.join(outDir, 'index.html'), indexPage(rows));
  console.log(`${rows.length} mails rendered into ${outDir} (open index.html)`);

  if (values.serve) {
    const port = Number(values.port);
    const app = express();
    app.use(express.static(outDir));
    app.listen(port, '127.0.0.1', () => console.log(`Serving them on http://127.0.0.1:${port}/ (Ctrl-C stops)`));
  }
}

/** Every mail in a list; the one chosen beside it in a frame as wide as a phone or a desktop. */
function indexPage(rows: string[]): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Mail preview</title>
<style>
  body { font-family: sans-serif; margin: 0; display: flex; height: 100vh; }
  nav { overflow: auto; padding: 8px; border-right: 1px solid #ccc; font-size: 14px; }
  main { flex: 1; overflow: auto; background: #e5e7eb; padding: 8px; }
  td { padding: 2px 6px; } iframe { background: #fff; border: 1px solid #999; height: calc(100vh - 60px); }
</style>
<nav><p>Width: <button onclick="frame.style.width='375px'">phone (375 px)</button>
<button onclick="frame.style.width='1280px'">desktop (1280 px)</button></p>
<table><tr><th>occasion</th><th>lang</th><th>to</th><th>subject (HTML)</th><th>bytes</th><th></th></tr>${rows.join('\n')}</table></nav>
<main><iframe id="frame" name="mail" style="width:375px"></iframe></main>
<script>const frame = document.getElementById('frame');</script></html>`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
