import { addressProblem, checkWebhookUrlSyntax, WEBHOOK_EVENT_TYPES } from './webhooks';

const secure = { allowInsecure: false };
const insecure = { allowInsecure: true };
const problemOf = (url: string, policy = secure) => {
  const checked = checkWebhookUrlSyntax(url, policy);
  return checked.ok ? undefined : checked.problem;
};

test('an https URL to a public name or address is accepted as it is', () => {
  for (const url of [
    'https://hooks.partner.example/license-requests',
    'https://hooks.partner.example:8443/in?source=skolon',
    'https://93.184.215.14/hook',
    'https://[2606:4700::1111]/hook',
  ]) {
    expect(problemOf(url)).toBeUndefined();
  }
});

test('http, and anything that is not an absolute https URL, is refused', () => {
  expect(problemOf('http://hooks.partner.example/')).toMatch(/https:\/\//);
  expect(problemOf('ftp://hooks.partner.example/')).toMatch(/https:\/\//);
  expect(problemOf('hooks.partner.example/in')).toMatch(/absolute URL/);
  expect(problemOf('/v1/in')).toMatch(/absolute URL/);
  expect(problemOf(`https://hooks.partner.example/${'x'.repeat(2048)}`)).toMatch(/longer than 2048/);
});

test('a user name or password in the URL is refused (it would travel in every delivery)', () => {
  expect(problemOf('https://user:pass@hooks.partner.example/')).toMatch(/user name or password/);
  expect(problemOf('https://token@hooks.partner.example/')).toMatch(/user name or password/);
});

test('loopback, private, link-local, unique-local, unspecified and multicast hosts are refused, however written', () => {
  const refused: Array<[string, RegExp]> = [
    ['https://localhost/hook', /this machine/],
    ['https://LOCALHOST./hook', /this machine/],
    ['https://api.localhost/hook', /this machine/],
    ['https://127.0.0.1/hook', /loopback/],
    ['https://127.1/hook', /loopback/], // the URL parser reads it as 127.0.0.1
    ['https://0x7f000001/hook', /loopback/],
    ['https://[::1]:8443/hook', /loopback/],
    ['https://10.1.2.3/hook', /private/],
    ['https://172.16.0.1/hook', /private/],
    ['https://192.168.1.10/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://[fe80::1]/hook', /link-local/],
    ['https://[fd12:3456::1]/hook', /unique-local/],
    ['https://0.0.0.0/hook', /unspecified/],
    ['https://[::]/hook', /unspecified/],
    ['https://224.0.0.1/hook', /multicast/],
    ['https://[::ffff:127.0.0.1]/hook', /IPv4-mapped/],
    ['https://100.64.0.1/hook', /carrier-grade NAT/],
  ];
  for (const [url, reason] of refused) {
    expect([url, problemOf(url)]).toEqual([url, expect.stringMatching(reason)]);
  }
});

test('with WEBHOOK_ALLOW_INSECURE (development and tests), http and local addresses are accepted; credentials still are not', () => {
  expect(problemOf('http://127.0.0.1:4000/hook', insecure)).toBeUndefined();
  expect(problemOf('http://localhost:4000/hook', insecure)).toBeUndefined();
  expect(problemOf('https://[::1]:4000/hook', insecure)).toBeUndefined();
  expect(problemOf('http://user:pw@localhost/hook', insecure)).toMatch(/user name or password/);
  expect(problemOf('ftp://localhost/hook', insecure)).toBeDefined();
});

test('addressProblem: only public unicast addresses pass', () => {
  expect(addressProblem('93.184.215.14')).toBeUndefined();
  expect(addressProblem('2606:4700::1111')).toBeUndefined();
  expect(addressProblem('10.0.0.5')).toBe('a private address');
  expect(addressProblem('169.254.0.1')).toBe('a link-local address');
  expect(addressProblem('::1')).toBe('a loopback address');
  expect(addressProblem('fc00::1')).toBe('a unique-local address');
  expect(addressProblem('192.0.2.1')).toMatch(/reserved/); // documentation range
  expect(addressProblem('not-an-address')).toBe('not an IP address');
});

test("the event types are the contract's seven", () => {
  expect(WEBHOOK_EVENT_TYPES).toEqual([
    'license_request.created',
    'license_request.reminder',
    'license_request.deadline_near',
    'license_request.overdue',
    'license_request.deadline_extended',
    'license_request.reopened',
    'license_request.withdrawn',
  ]);
});
