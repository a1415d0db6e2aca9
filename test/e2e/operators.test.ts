/**
 * What an operator sees in Temporal: every request's search attributes kept current at each
 * transition (queried the way the Web UI and `temporal workflow list --query` do), the summary and
 * details, `npm run temporal:setup` on a cluster that lacks the attributes, and the Web UI itself
 * in a real browser, filtering by status.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectTemporal } from '../../runtime/temporal-connection';
import { chromium } from 'playwright-core';
import { freePort } from '../../dev/processes';
import { startDevServer } from '../../dev/temporal-dev-server';
import { licenseRequestWorkflowId, SEARCH_ATTRIBUTE_DEFINITIONS } from '../../workflows/definitions';
import { calendarDaysAfter } from '../helpers/calendar-oracle';
import { DateTime } from 'luxon';
import { ADMIN_TOKEN, api, startStack, type TestStack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
const WEB_UI_SCREENSHOT = path.join(ROOT, 'docs/images/web-ui-awaiting-answer.png');
const WEB_UI_DETAIL_SCREENSHOT = path.join(ROOT, 'docs/images/web-ui-request-detail.png');

let stack: TestStack;
/** A desired availability months after the run date. */
const DESIRED = calendarDaysAfter(new Date(), 200);
let call: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startStack();
  call = api(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

async function newRequest(options: { desiredAvailability?: string } = {}) {
  const tag = crypto.randomBytes(4).toString('hex');
  const partnerId = `partner-${tag}`;
  const partner = await call('POST', '/v1/partners', {
    token: ADMIN_TOKEN,
    body: { id: partnerId, name: 'Acme Learning', notificationEmail: `${partnerId}@partner.test` },
  });
  const created = await call('POST', '/v1/license-requests', {
    token: ADMIN_TOKEN,
    body: {
      partnerId,
      organisation: { skolonId: `org-${tag}`, name: `Kommun ${tag}` },
      schools: [
        { skolonId: 'sch-1', name: 'Norra skolan' },
        { skolonId: 'sch-2', name: 'Södra skolan' },
      ],
      ...(options.desiredAvailability && { desiredAvailability: options.desiredAvailability }),
      contacts: [{ name: 'Anna Andersson', email: `anna-${tag}@kommun.test` }],
    },
  });
  expect(created.status).toBe(201);
  return {
    id: created.body.id as string,
    partnerId,
    orgId: `org-${tag}`,
    orgName: `Kommun ${tag}`,
    apiKey: partner.body.apiKey as string,
  };
}

/** Midnight at the start of a date in Stockholm, as `2027-06-18T00:00:00+02:00`. */
const midnight = (date: string) =>
  DateTime.fromISO(date, { zone: 'Europe/Stockholm' }).toISO({ suppressMilliseconds: true })!;

/** The workflow ids a visibility query finds, polled until `expected` (visibility lags a little). */
async function find(query: string, expected: string[]): Promise<string[]> {
  let found: string[] = [];
  for (let i = 0; i < 50; i++) {
    found = [];
    for await (const wf of stack.services.client.workflow.list({ query })) found.push(wf.workflowId);
    if (JSON.stringify(found.sort()) === JSON.stringify([...expected].sort())) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return found.sort();
}

test('every search attribute finds the request with the right value after each transition', async () => {
  const r = await newRequest({ desiredAvailability: DESIRED });
  const wf = licenseRequestWorkflowId(r.id);
  const mine = `PartnerId="${r.partnerId}"`;

  expect(await find(`${mine} AND LicenseRequestStatus="AWAITING_ANSWER"`, [wf])).toEqual([wf]);
  expect(await find(`OrganisationSkolonId="${r.orgId}"`, [wf])).toEqual([wf]);
  expect(
    await find(
      // The day as an operator in Stockholm types it: from its midnight there (not in UTC) to the next.
      `${mine} AND DesiredAvailability >= "${midnight(DESIRED)}" AND DesiredAvailability < "${midnight(calendarDaysAfter(DESIRED, 1))}"`,
      [wf],
    ),
  ).toEqual([wf]);
  // A day that ends at UTC midnight would not contain it: it starts an hour or two before that.
  expect(await find(`${mine} AND DesiredAvailability >= "${DESIRED}T00:00:00Z"`, [])).toEqual([]);
  expect(await find(`${mine} AND AssignmentDeadline IS NULL`, [wf])).toEqual([wf]);

  const yes = await call('POST', `/v1/license-requests/${r.id}/answer`, { token: r.apiKey, body: { response: 'YES' } });
  const deadline = new Date(yes.body.deadline as string).toISOString();
  expect(await find(`${mine} AND LicenseRequestStatus="AWAITING_ASSIGNMENT"`, [wf])).toEqual([wf]);
  expect(await find(`${mine} AND LicenseRequestStatus="AWAITING_ANSWER"`, [])).toEqual([]);
  expect(await find(`${mine} AND AssignmentDeadline="${deadline}"`, [wf])).toEqual([wf]);
  // "Due within the next 30 days", as an operator would ask it.
  const in30Days = new Date(Date.now() + 30 * 86_400_000).toISOString();
  expect(await find(`${mine} AND AssignmentDeadline < "${in30Days}"`, [wf])).toEqual([wf]);

  await call('POST', `/v1/license-requests/${r.id}/assignments`, {
    token: r.apiKey,
    body: { schools: ['sch-1', 'sch-2'] },
  });
  expect(await find(`${mine} AND LicenseRequestStatus="COMPLETED"`, [wf])).toEqual([wf]);

  const declined = await newRequest();
  await call('POST', `/v1/license-requests/${declined.id}/answer`, {
    token: declined.apiKey,
    body: { response: 'NO' },
  });
  const declinedWf = licenseRequestWorkflowId(declined.id);
  expect(await find(`PartnerId="${declined.partnerId}" AND LicenseRequestStatus="DECLINED"`, [declinedWf])).toEqual([
    declinedWf,
  ]);

  const withdrawn = await newRequest();
  await call('POST', `/v1/license-requests/${withdrawn.id}/withdraw`, { token: ADMIN_TOKEN, body: {} });
  const withdrawnWf = licenseRequestWorkflowId(withdrawn.id);
  expect(await find(`PartnerId="${withdrawn.partnerId}" AND LicenseRequestStatus="WITHDRAWN"`, [withdrawnWf])).toEqual([
    withdrawnWf,
  ]);
});

test('each workflow carries a summary and details an operator can read, kept current as the request moves', async () => {
  const r = await newRequest({ desiredAvailability: DESIRED });
  const handle = stack.services.client.workflow.getHandle(licenseRequestWorkflowId(r.id));
  const before = await handle.describe();
  expect(await before.staticSummary()).toBe(`${r.orgName} → ${r.partnerId}, 2 schools`);
  const details = await before.staticDetails();
  expect(details).toContain(`**Organisation:** ${r.orgName} (${r.orgId})`);
  expect(details).toContain(`**Desired availability:** ${DESIRED}`);
  expect(details).toContain('Anna Andersson');

  await call('POST', `/v1/license-requests/${r.id}/answer`, { token: r.apiKey, body: { response: 'YES' } });
  const metadata = await stack.services.client.workflowService.getWorkflowExecutionHistory({
    namespace: stack.config.temporal.namespace,
    execution: { workflowId: handle.workflowId },
  });
  expect(metadata.history?.events?.length).toBeGreaterThan(0);
  // The `status` query answers with the current state.
  const state = await handle.query('status');
  expect(state).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES' });
});

test('npm run temporal:setup registers the search attributes on a cluster without them, and again changes nothing', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lr-setup-'));
  const server = await startDevServer({
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    searchAttributes: false,
  });
  try {
    const run = () =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/temporal-setup.ts'], {
        cwd: ROOT,
        env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Registered on default: LicenseRequestStatus');
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already registered');

    const { connection, close } = await connectTemporal({ address: server.address });
    const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    await close();
    for (const { name } of SEARCH_ATTRIBUTE_DEFINITIONS)
      expect(Object.keys(listed.customAttributes ?? {})).toContain(name);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

test('in the Web UI, filtering by LicenseRequestStatus="AWAITING_ANSWER" lists the request with its attributes, and its page shows the summary', async () => {
  const r = await newRequest({ desiredAvailability: DESIRED });
  const wf = licenseRequestWorkflowId(r.id);
  await find(`LicenseRequestStatus="AWAITING_ANSWER" AND PartnerId="${r.partnerId}"`, [wf]);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 2100, height: 560 } });
    const query = encodeURIComponent('LicenseRequestStatus="AWAITING_ANSWER"');
    await page.goto(`${stack.temporal.uiUrl}/namespaces/default/workflows?query=${query}`);
    await page.getByText(wf).first().waitFor({ timeout: 30_000 });

    // Show the request's attributes as columns, as an operator sets the table up once.
    await page.getByTestId('workflows-summary-table-configuration-button').click();
    const column = (name: string) =>
      page
        .locator('li')
        .filter({ has: page.getByText(name, { exact: true }) })
        .last();
    for (const name of ['Run ID', 'Type', 'End']) await column(name).locator('button').last().click();
    for (const name of [
      'LicenseRequestStatus',
      'PartnerId',
      'OrganisationSkolonId',
      'AssignmentDeadline',
      'DesiredAvailability',
    ]) {
      await column(name).locator('button').last().click();
    }
    await page.reload(); // closes the drawer; the columns are kept
    const row = page.locator('tr', { has: page.getByText(wf) });
    await row.getByText(r.partnerId).waitFor({ timeout: 30_000 });
    await row.getByText(r.orgId).waitFor();
    fs.mkdirSync(path.dirname(WEB_UI_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: WEB_UI_SCREENSHOT });

    // The request's own page shows its summary and details.
    await page.goto(`${stack.temporal.uiUrl}/namespaces/default/workflows/${wf}`);
    await page.getByText('User Metadata').click();
    const summary = `${r.orgName} → ${r.partnerId}, 2 schools`;
    // The UI renders summary and details (markdown) in sandboxed frames: read every frame.
    const allText = async () =>
      (
        await Promise.all(
          page.frames().map((f) =>
            f
              .locator('body')
              .innerText()
              .catch(() => ''),
          ),
        )
      ).join('\n');
    let shown = '';
    for (let i = 0; i < 60 && !shown.includes(summary); i++) {
      shown = await allText();
      if (!shown.includes(summary)) await page.waitForTimeout(500);
    }
    expect(shown).toContain(summary);
    expect(shown).toContain('Anna Andersson');
    expect(shown).toContain('Status: AWAITING_ANSWER');
    await page.screenshot({ path: WEB_UI_DETAIL_SCREENSHOT, fullPage: false });
  } finally {
    await browser.close();
  }
}, 120_000);
