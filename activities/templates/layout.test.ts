/**
 * Every mail in headless Chromium at a phone's width (375 px) and a desktop's (1280 px), checked for
 * what a reader notices: no sideways scrolling, the button that opens the right page, the footer,
 * the right language, and nothing fetched from anywhere. A few of them are kept as screenshots in
 * docs/images/mail-*.png, which the README's e-mail section shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderMail } from '.';
import { renderLayout, type MailLayout } from './layout';
import { mailSamples, SAMPLE_SUPPORT_EMAIL, type MailSample } from '../../scripts/mail-samples';

const ROOT = path.resolve(__dirname, '../..');
const WIDTHS = [375, 1280] as const;
/** The mails kept as screenshots: a partner's (with its list of schools), a contacts', an English one. */
const SCREENSHOTS = ['created.sv', 'answered_yes.sv', 'deadline_near.en'];

/** What each language's reader must find, written out here rather than taken from the catalogue. */
const WORDS = {
  sv: {
    regards: 'Vänliga hälsningar',
    why: 'Du får det här meddelandet',
    partnerButton: 'Öppna förfrågan',
    contactsButton: 'Följ förfrågan',
  },
  en: {
    regards: 'Kind regards',
    why: 'You are receiving this e-mail',
    partnerButton: 'Open the request',
    contactsButton: 'Follow the request',
  },
};

let browser: Browser;
const pages = new Map<number, Page>();
/** Every request a mail made while loading: a mail must load nothing (no images, no fonts). */
const fetched: string[] = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  for (const width of WIDTHS) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.route('**/*', async (route) => {
      fetched.push(route.request().url());
      await route.abort();
    });
    pages.set(width, page);
  }
  fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Loads a mail's HTML as a mail program would show it, and says how wide it turned out. */
async function show(width: number, html: string): Promise<Page> {
  const page = pages.get(width)!;
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

/** How far the page scrolls sideways (0: it fits). */
const overflow = (page: Page): Promise<number> =>
  page
    .locator('html')
    .evaluate((html: { scrollWidth: number; clientWidth: number }) => html.scrollWidth - html.clientWidth);

const samples = mailSamples();
type Box = { x: number; y: number; width: number; height: number };

test('there is a sample of every mail in both languages', () => {
  expect(samples).toHaveLength(13 * 2);
  expect(new Set(samples.map((s) => s.name)).size).toBe(samples.length);
});

describe.each(WIDTHS)('at %i px', (width) => {
  test.each(samples.map((s) => [s.name, s] as [string, MailSample]))(
    '%s: fits, its button opens the right page, the footer says why and how to reach support, in its language',
    async (name, { occasion, locale, facts }) => {
      const mail = await renderMail(occasion, locale, facts);
      const page = await show(width, mail.html);
      const words = WORDS[locale];

      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      expect(await page.title()).toBe(mail.subject);
      await expect(page.getByText('Skolon', { exact: true }).first().isVisible()).resolves.toBe(true);
      await expect(page.getByRole('cell', { name: facts.organisationName, exact: true }).isVisible()).resolves.toBe(
        true,
      );
      await expect(page.getByText(words.regards).isVisible()).resolves.toBe(true);

      // The call to action: the partner's request in the portal, the contacts' status page, and
      // none for support (it has no page to open), whole on the screen and big enough to tap.
      const href =
        facts.audience === 'partner' ? facts.link : facts.audience === 'contacts' ? facts.statusPageLink : null;
      const buttons = page.locator('a[href^="https://"]');
      if (href === null) expect(await buttons.count()).toBe(0);
      else {
        expect(await buttons.count()).toBe(1);
        const button = buttons.first();
        expect(await button.getAttribute('href')).toBe(href);
        expect((await button.innerText()).trim()).toBe(
          facts.audience === 'partner' ? words.partnerButton : words.contactsButton,
        );
        const box = (await button.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        expect(box.height).toBeGreaterThanOrEqual(40);
      }

      // The footer: why this reader got it, and support's address as a mail link.
      await expect(page.getByText(words.why).isVisible()).resolves.toBe(true);
      const support = page.locator(`a[href="mailto:${SAMPLE_SUPPORT_EMAIL}"]`);
      await expect(support.isVisible()).resolves.toBe(true);
      expect(await support.innerText()).toBe(SAMPLE_SUPPORT_EMAIL);

      if (SCREENSHOTS.includes(name))
        await page.screenshot({
          path: path.join(ROOT, 'docs/images', `mail-${name.replace('.', '-')}-${width}.png`),
          fullPage: true,
        });
    },
  );
});

test('no mail fetched anything while it loaded', () => {
  expect(fetched).toEqual([]);
});

/** A mail's layout with answer buttons, as the partner's mail will have them. */
const withAnswers = (overrides: Partial<MailLayout> = {}): MailLayout => ({
  lang: 'en',
  subject: 'New license request from Skolonkommunen',
  preheader: 'Skolonkommunen wants to move its licenses',
  heading: 'New license request from Skolonkommunen',
  paragraphs: ['Skolonkommunen wants to move its existing licenses to Skolon.'],
  next: 'Answer YES or NO.',
  buttons: [
    { label: 'YES', href: 'https://licenses.skolon.example/answer/yes-token', tone: 'yes' },
    { label: 'NO', href: 'https://licenses.skolon.example/answer/no-token', tone: 'no' },
    { label: 'Open the request', href: 'https://licenses.skolon.example/portal/requests/1', tone: 'secondary' },
  ],
  facts: [['Organisation', 'Skolonkommunen']],
  list: null,
  signature: 'Kind regards\nSkolon',
  footer: {
    why: 'You are receiving this e-mail because …',
    questions: 'Questions?',
    supportEmail: 'support@skolon.example',
  },
  ...overrides,
});

test('answer buttons sit side by side on a desktop and one under the other on a phone, each whole and tappable', async () => {
  const html = await renderLayout(withAnswers());
  const boxes = async (width: number) => {
    const page = await show(width, html);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    return Promise.all(
      ['YES', 'NO', 'Open the request'].map(
        async (label) => (await page.getByRole('link', { name: label }).boundingBox())!,
      ),
    );
  };
  const [yes, no, open] = (await boxes(1280)) as [Box, Box, Box];
  expect(yes.y).toBe(no.y);
  expect(no.y).toBe(open.y);
  expect(yes.x).toBeLessThan(no.x);
  expect(no.x).toBeLessThan(open.x);
  const phone = (await boxes(375)) as [Box, Box, Box];
  for (const box of phone) {
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(box.height).toBeGreaterThanOrEqual(40);
  }
  expect(phone[0].y).toBeLessThan(phone[1].y);
  expect(phone[1].y).toBeLessThan(phone[2].y);
});

test('every value is escaped: markup, quotes and things that look like the layout placeholders stay text', async () => {
  const hostile = '<script>alert(1)</script> "quoted" \'single\' @@heading@@ $& $1';
  const html = await renderLayout(
    withAnswers({
      subject: hostile,
      heading: hostile,
      preheader: hostile,
      paragraphs: [hostile],
      next: hostile,
      facts: [[hostile, hostile]],
      list: { title: hostile, items: [hostile] },
      signature: hostile,
      buttons: [{ label: hostile, href: 'https://x.example/?a="><script>alert(2)</script>', tone: 'primary' }],
      footer: { why: hostile, questions: hostile, supportEmail: 'support"><script>@x.example' },
    }),
  );
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toContain('"quoted"');
  const page = await show(1280, html);
  expect(await page.title()).toBe(hostile);
  expect(await page.getByRole('link', { name: hostile }).getAttribute('href')).toBe(
    'https://x.example/?a="><script>alert(2)</script>',
  );
  // The heading's own text, not another slot's value put in its place.
  expect((await page.locator('body').innerText()).split(hostile).length - 1).toBeGreaterThanOrEqual(8);
});
