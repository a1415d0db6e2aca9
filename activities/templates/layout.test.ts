/**
 * Every mail (the request mails and the portal's sign-in and invitation mails) in headless Chromium
 * at a phone's width (375 px) and a desktop's (1280 px), checked for what a reader notices: no
 * sideways scrolling, the buttons (YES and NO too) whole and opening the right page, the footer,
 * the right language, and nothing fetched from anywhere. A few of them are kept as screenshots in
 * docs/images/mail-*.png, which the README's e-mail and portal sections show.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderMail, type RenderedMail } from '.';
import { renderLayout, type MailLayout } from './layout';
import { renderInvitationMail, renderSignInMail } from './portal-mail';
import {
  mailSamples,
  portalMailSamples,
  SAMPLE_SUPPORT_EMAIL,
  type MailSample,
  type PortalMailSample,
} from '../../scripts/mail-samples';

const ROOT = path.resolve(__dirname, '../..');
const WIDTHS = [375, 1280] as const;
/**
 * The mails kept as screenshots: a partner's new request (its YES and NO buttons, its list of
 * schools), a contacts', an English one, and the portal's sign-in link.
 */
const SCREENSHOTS = ['created.sv', 'answered_yes.sv', 'deadline_near.en', 'sign-in.sv'];

/** What each language's reader must find, written out here rather than taken from the catalogue. */
const WORDS = {
  sv: {
    regards: 'Vänliga hälsningar',
    why: 'Du får det här meddelandet',
    partnerButton: 'Öppna förfrågan',
    contactsButton: 'Följ förfrågan',
    yes: 'JA, de har licenser',
    no: 'NEJ, inga licenser',
    signIn: 'Logga in hos Acme Learning',
    invitation: 'Öppna portalen',
    signInWhy: 'Du får det här meddelandet eftersom någon bad om en inloggningslänk',
    invitationWhy: 'Du får det här meddelandet eftersom Maria Lindqvist har lagt till adressen hos Acme Learning',
    validity: 'en gång, inom 15 minuter',
  },
  en: {
    regards: 'Kind regards',
    why: 'You are receiving this e-mail',
    partnerButton: 'Open the request',
    contactsButton: 'Follow the request',
    yes: 'YES, they hold licenses',
    no: 'NO licenses',
    signIn: 'Sign in to Acme Learning',
    invitation: 'Open the portal',
    signInWhy: 'You are receiving this e-mail because someone asked for a sign-in link',
    invitationWhy: 'You are receiving this e-mail because Maria Lindqvist added this address to Acme Learning',
    validity: 'once, within 15 minutes',
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
const portalSamples = portalMailSamples();
type Box = { x: number; y: number; width: number; height: number };

test('there is a sample of every mail in both languages', () => {
  expect(samples).toHaveLength(13 * 2);
  expect(portalSamples.map((s) => s.name).sort()).toEqual([
    'invitation.en',
    'invitation.sv',
    'sign-in.en',
    'sign-in.sv',
  ]);
  expect(new Set([...samples, ...portalSamples].map((s) => s.name)).size).toBe(samples.length + portalSamples.length);
});

/** The partner's new-request, reopened and reminder mails ask for an answer: they alone carry YES and NO. */
const ASKS_FOR_AN_ANSWER = ['created', 'reopened', 'unanswered_reminder'];

/**
 * The mail's https links (its buttons) are these, in this order, each with its label, whole on
 * the screen and big enough to tap.
 */
async function expectButtons(page: Page, width: number, expected: Array<{ label: string; href: string }>) {
  const buttons = page.locator('a[href^="https://"]');
  expect(await buttons.count()).toBe(expected.length);
  for (const [i, { label, href }] of expected.entries()) {
    const button = buttons.nth(i);
    expect(await button.getAttribute('href')).toBe(href);
    expect((await button.innerText()).trim()).toBe(label);
    await expect(button.isVisible()).resolves.toBe(true);
    const box = (await button.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    expect(box.height).toBeGreaterThanOrEqual(40);
  }
}

/** Where a sample's screenshot goes: docs/images/mail-created-sv-375.png. */
const screenshotPath = (name: string, width: number) =>
  path.join(ROOT, 'docs/images', `mail-${name.replace('.', '-')}-${width}.png`);

describe.each(WIDTHS)('at %i px', (width) => {
  test.each(samples.map((s) => [s.name, s] as [string, MailSample]))(
    '%s: fits, its buttons (YES and NO where it asks for an answer) open the right pages, the footer says why and how to reach support, in its language',
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

      // The call to action: the partner's request in the portal (after a YES and a NO where the
      // mail asks for an answer, each to its own answer link), the contacts' status page, and none
      // for support (it has no page to open).
      // Each answer button has a link of its own, of the shape the portal answers (43 base64url characters).
      const answerLink = (tone: 'yes' | 'no') => {
        const href = facts.actions?.find((a) => a.tone === tone)?.href;
        expect(href).toMatch(/^https:\/\/licenses\.skolon\.example\/portal\/answer\/[A-Za-z0-9_-]{43}$/);
        return href!;
      };
      const expected =
        facts.audience === 'support'
          ? []
          : facts.audience === 'contacts'
            ? [{ label: words.contactsButton, href: facts.statusPageLink! }]
            : [
                ...(ASKS_FOR_AN_ANSWER.includes(occasion.toLowerCase())
                  ? [
                      { label: words.yes, href: answerLink('yes') },
                      { label: words.no, href: answerLink('no') },
                    ]
                  : []),
                { label: words.partnerButton, href: facts.link! },
              ];
      await expectButtons(page, width, expected);

      // The footer: why this reader got it, and support's address as a mail link.
      await expect(page.getByText(words.why).isVisible()).resolves.toBe(true);
      const support = page.locator(`a[href="mailto:${SAMPLE_SUPPORT_EMAIL}"]`);
      await expect(support.isVisible()).resolves.toBe(true);
      expect(await support.innerText()).toBe(SAMPLE_SUPPORT_EMAIL);

      if (SCREENSHOTS.includes(name)) await page.screenshot({ path: screenshotPath(name, width), fullPage: true });
    },
  );

  test.each(portalSamples.map((s) => [s.name, s] as [string, PortalMailSample]))(
    '%s: fits, its button opens the portal, it says who and for how long, the footer says why and how to reach support',
    async (name, sample) => {
      const mail: RenderedMail =
        sample.kind === 'sign-in'
          ? await renderSignInMail(sample.locale, sample.facts)
          : await renderInvitationMail(sample.locale, sample.facts);
      const page = await show(width, mail.html);
      const words = WORDS[sample.locale];

      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await page.getAttribute('html', 'lang')).toBe(sample.locale);
      expect(await page.title()).toBe(mail.subject);
      await expect(page.getByText('Skolon', { exact: true }).first().isVisible()).resolves.toBe(true);
      await expect(page.getByRole('cell', { name: 'Acme Learning', exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.getByText(words.regards).isVisible()).resolves.toBe(true);
      if (sample.kind === 'sign-in') {
        await expectButtons(page, width, [{ label: words.signIn, href: sample.facts.links[0]!.url }]);
        await expect(page.getByRole('cell', { name: words.validity }).isVisible()).resolves.toBe(true);
        await expect(page.getByText(words.signInWhy).isVisible()).resolves.toBe(true);
      } else {
        await expectButtons(page, width, [{ label: words.invitation, href: sample.facts.signInUrl }]);
        await expect(page.getByRole('cell', { name: 'Maria Lindqvist', exact: true }).isVisible()).resolves.toBe(true);
        await expect(page.getByText(words.invitationWhy).isVisible()).resolves.toBe(true);
      }
      const support = page.locator(`a[href="mailto:${SAMPLE_SUPPORT_EMAIL}"]`);
      await expect(support.isVisible()).resolves.toBe(true);

      if (SCREENSHOTS.includes(name)) await page.screenshot({ path: screenshotPath(name, width), fullPage: true });
    },
  );
});

test('a sign-in mail for several partners has a button for each, one under the other on a phone', async () => {
  const url = (n: number) => `https://licenses.skolon.example/portal/sign-in/${'a'.repeat(42)}${n}?lang=en`;
  const mail = await renderSignInMail('en', {
    links: [
      { partnerName: 'Acme Learning', url: url(1) },
      { partnerName: 'Bokförlaget Läromedel med ett mycket långt namn AB', url: url(2) },
    ],
    validMinutes: 15,
    supportEmail: SAMPLE_SUPPORT_EMAIL,
  });
  const page = await show(375, mail.html);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await expectButtons(page, 375, [
    { label: 'Sign in to Acme Learning', href: url(1) },
    { label: 'Sign in to Bokförlaget Läromedel med ett mycket långt namn AB', href: url(2) },
  ]);
  await expect(page.getByText('Choose the partner you sign in for.').isVisible()).resolves.toBe(true);
  expect(mail.text).toContain(`Sign in to Acme Learning: ${url(1)}`);
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
  // Side by side with a gap: neither touches the next.
  expect(yes.x + yes.width).toBeLessThan(no.x);
  expect(no.x + no.width).toBeLessThan(open.x);
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
