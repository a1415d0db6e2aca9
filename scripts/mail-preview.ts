/**
 * `npm run mail:preview`: renders every mail in Swedish and English, as HTML and plain text, into
 * DATA_DIR/mail-preview (or the folder given with --out), with an index.html to browse them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderMail, type MailFacts } from '../activities/templates';
import { LOCALES } from '../domain/locale';
import { escapeHtml } from '../domain/text';
import { TO_PARTNER } from '../activities/mail';
import { loadConfig } from '../config/env';
import { MAIL_OCCASIONS } from '../domain/license-request';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = path.resolve(values.out ?? path.join(loadConfig().dataDir, 'mail-preview'));
fs.mkdirSync(outDir, { recursive: true });

const facts: MailFacts = {
  organisationName: 'Skolonkommunen',
  organisationSkolonId: 'org-123',
  partnerName: 'Acme Learning',
  numberOfSchools: 3,
  schools: ['Norra skolan', 'Södra skolan', 'Östra skolan'],
  desiredAvailability: '2027-06-15',
  deadline: '2027-06-11T23:59:59.999+02:00',
  workingDaysLeft: 4,
  link: 'https://licenses.skolon.example/portal/requests/3f2b8c1e-0000-4000-8000-000000000000',
};

/** A status-page link as the contacts get it (a made-up token of the right shape). */
const STATUS_PAGE_LINK = `https://licenses.skolon.example/status/${'x'.repeat(64)}`;

const rows: string[] = [];
for (const occasion of MAIL_OCCASIONS) {
  for (const locale of LOCALES) {
    const before = occasion === 'CREATED' || occasion.startsWith('UNANSWERED');
    const mail = renderMail(occasion, locale, {
      ...facts,
      ...(before && { deadline: null, workingDaysLeft: null }),
      // As sendRequestMail does: the partner gets the link to the partner portal, the contacts the
      // link to their status page, support neither.
      link: TO_PARTNER.includes(occasion) ? facts.link : null,
      statusPageLink: TO_PARTNER.includes(occasion) || occasion === 'UNANSWERED_ESCALATION' ? null : STATUS_PAGE_LINK,
    });
    const base = `${occasion.toLowerCase()}.${locale}`;
    fs.writeFileSync(path.join(outDir, `${base}.html`), mail.html);
    fs.writeFileSync(path.join(outDir, `${base}.txt`), `Subject: ${mail.subject}\n\n${mail.text}\n`);
    rows.push(
      `<tr><td>${occasion}</td><td>${locale}</td><td>${escapeHtml(mail.subject)}</td>` +
        `<td><a href="${base}.html">HTML</a> · <a href="${base}.txt">text</a></td></tr>`,
    );
  }
}
fs.writeFileSync(
  path.join(outDir, 'index.html'),
  `<!doctype html><meta charset="utf-8"><title>Mail preview</title><table cellpadding="4">` +
    `<tr><th>occasion</th><th>language</th><th>subject</th><th></th></tr>${rows.join('')}</table>`,
);
console.log(`${rows.length} mails rendered into ${outDir} (open index.html)`);
