import type { LicenseRequestView } from '../services/license-request-view';
import type { Locale } from '../domain/locale';
import { catalogue } from '../i18n';
import {
  atStockholm,
  calendarDaysAfter,
  endOfDayOracle,
  longDateOracle,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  workingDayBeforeOracle,
  workingDaysBetweenOracle,
} from '../test/helpers/calendar-oracle';
import { confirmPage, listPage, requestPage, settingsPage, signInPage, type PageContext } from './views';

const EVIL = '<script>alert(1)</script>"\'&';
// The plain request's dates come from the run date (tests about dates give their own, with a clock).
const NOW = new Date();
const CREATED_AT = NOW.toISOString();

function ctx(locale: Locale = 'en', signedIn = true): PageContext {
  return {
    t: catalogue(locale),
    locale,
    path: '/portal/',
    ...(signedIn && {
      partner: { id: 'acme', name: `Acme ${EVIL}`, notificationEmail: 'p@acme.test', locale },
      user: { email: 'anna@acme.test', name: `Anna ${EVIL}`, role: 'admin' as const },
      csrfToken: 'csrf-token-value',
    }),
  };
}

function request(overrides: Partial<LicenseRequestView> = {}): LicenseRequestView {
  return {
    id: 'req-1',
    partnerId: 'acme',
    organisation: { skolonId: `org-${EVIL}`, name: `Kommun ${EVIL}` },
    numberOfSchools: 2,
    desiredAvailability: calendarDaysAfter(NOW, 14),
    status: 'AWAITING_ANSWER',
    response: 'UNANSWERED',
    answeredAt: null,
    deadline: null,
    createdAt: CREATED_AT,
    finishedAt: null,
    schools: [
      { skolonId: 'sch-1', name: `Norra ${EVIL}`, assignment: 'PENDING' },
      { skolonId: `sch-${EVIL}`, name: 'Södra skolan', assignment: 'PENDING' },
    ],
    contacts: [{ name: `Anna ${EVIL}`, email: 'anna@kommun.test' }],
    history: [{ at: CREATED_AT, event: 'CREATED', detail: { numberOfSchools: 2 } }],
    ...overrides,
  };
}

/** The page's text as a person reads it: no tags, whitespace collapsed. */
const textOf = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([).,:])/g, '$1')
    .replace(/\( /g, '(');

/** Nothing a partner or an organisation typed may become markup. */
function expectEscaped(page: string) {
  expect(page).not.toContain('<script>alert');
  expect(page).not.toMatch(/"'&(?!amp;|lt;|gt;|quot;|#)/);
  expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
}

/** Every visible input and select has a <label for> naming it. */
function expectLabelled(page: string) {
  const controls = [...page.matchAll(/<(input|select)\b([^>]*)>/g)]
    .map((m) => m[2] ?? '')
    .filter((attrs) => !/type="hidden"/.test(attrs));
  expect(controls.length).toBeGreaterThan(0);
  for (const attrs of controls) {
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    expect({ attrs, labelled: id !== undefined && page.includes(`<label for="${id}"`) }).toEqual({
      attrs,
      labelled: true,
    });
  }
}

test('the request page escapes every name and id, and labels every control', () => {
  const page = requestPage(ctx(), { request: request(), now: NOW, formKey: 'k' });
  expectEscaped(page);
  expectLabelled(page);
  expect(page).toContain('>YES</button>');
  expect(page).toContain('>NO</button>');
});

test('the list, the confirmation, settings (with its people) and sign-in escape too, and the sign-in form asks for an address, never a key', () => {
  const summary = request();
  const list = listPage(ctx('sv'), { summary: { answered: 0, notAnswered: 1 }, items: [summary], nextCursor: null });
  expectEscaped(list);
  expectLabelled(list);
  const confirm = confirmPage(ctx(), {
    ok: true,
    request: request(),
    response: 'YES',
    schools: ['sch-1'],
    now: NOW,
    formKey: 'k',
  });
  expectEscaped(confirm);
  expect(textOf(confirm)).toContain('You answer YES for 1 of 2 schools');
  expect(textOf(confirm)).toContain('Södra skolan is marked as holding no licenses.');
  expect(confirm).toContain('<input type="hidden" name="_csrf" value="csrf-token-value"');
  const settings = settingsPage(
    ctx(),
    { notificationEmail: `x${EVIL}@acme.test`, locale: 'en' },
    undefined,
    undefined,
    {
      users: [
        { email: `bo${EVIL}@acme.test`, name: `Bo ${EVIL}`, role: 'member', createdAt: new Date().toISOString() },
      ],
      refused: { email: `x${EVIL}`, name: `Cilla ${EVIL}`, role: 'admin', message: 'No.' },
    },
  );
  expectEscaped(settings);
  expectLabelled(settings);
  const signIn = signInPage(ctx('sv', false), {
    csrfToken: 't',
    email: `a${EVIL}`,
    error: 'Det är ingen e-postadress.',
  });
  expectEscaped(signIn);
  expectLabelled(signIn);
  expect(signIn).toMatch(/<input\s+type="email"\s+id="email"\s+name="email"/);
  expect(signIn).not.toMatch(/apiKey|type="password"/);
  expect(signIn).toContain('<html lang="sv">');
});

test("a member sees the partner's settings and webhook but no form to change them; an admin gets the forms", () => {
  const webhook = {
    url: `https://hooks.acme.test/${EVIL}`,
    events: ['license_request.created' as const],
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    disabled: null,
    previousSecretExpiresAt: null,
    deliveries: [
      {
        id: 'del-1',
        event: 'license_request.created' as const,
        requestId: 'req-1',
        createdAt: CREATED_AT,
        status: 'FAILED' as const,
        attempts: 3,
        lastAttemptAt: CREATED_AT,
        httpStatus: 500,
        latencyMs: 20,
        error: 'HTTP 500',
        deliveredAt: null,
      },
    ],
  };
  const page = (role: 'admin' | 'member') => {
    const context = ctx();
    return settingsPage(
      { ...context, user: { ...context.user!, role } },
      { notificationEmail: 'p@acme.test', locale: 'en' },
      undefined,
      { webhook },
    );
  };
  const member = page('member');
  expectEscaped(member);
  expectLabelled(member);
  // What is set, readable; the fields disabled; no button that changes anything but a redelivery.
  expect(textOf(member)).toContain('Webhook URL (https) https://hooks.acme.test/');
  expect(textOf(member)).toContain('Events license_request.created');
  expect(member).toMatch(/<fieldset class="plain"\s+disabled>/);
  expect(textOf(member)).toContain('Only an admin can change the notification address, the language and the webhook.');
  for (const action of [
    '/portal/settings/webhook"',
    '/portal/settings/webhook/secret"',
    '/portal/settings/webhook/remove"',
  ]) {
    expect(member).not.toContain(`action="${action}`);
  }
  expect(member).not.toContain('>Save</button>');
  expect(member).toContain('action="/portal/settings/webhook/deliveries/del-1/redeliver"');

  const admin = page('admin');
  expectLabelled(admin);
  for (const action of [
    '/portal/settings"',
    '/portal/settings/webhook"',
    '/portal/settings/webhook/secret"',
    '/portal/settings/webhook/remove"',
  ]) {
    expect(admin).toContain(`action="${action}`);
  }
  expect(admin).not.toMatch(/<fieldset class="plain"\s+disabled>/);
  expect(textOf(admin)).not.toContain('Only an admin can change');
});

/** A deadline a week or so from the run date, as the API writes it, and the answer a few working days before. */
const DEADLINE_DATE = nthWorkingDayAfterOracle(stockholmDateOf(NOW), 6);
const ANSWERED_AT = atStockholm(workingDayBeforeOracle(workingDayBeforeOracle(DEADLINE_DATE)), '09:00').toISOString();

test('an overdue request is marked clearly, with the working days since the deadline', () => {
  const page = requestPage(ctx(), {
    request: request({
      status: 'OVERDUE',
      response: 'YES',
      answeredAt: ANSWERED_AT,
      deadline: endOfDayOracle(DEADLINE_DATE),
    }),
    now: atStockholm(nthWorkingDayAfterOracle(DEADLINE_DATE, 2), '10:00'),
    formKey: 'k',
  });
  const due = longDateOracle(DEADLINE_DATE, 'en');
  expect(textOf(page)).toContain(`This request is overdue: the licenses were due by ${due}.`);
  expect(textOf(page)).toContain(`Assignment deadline ${due} OVERDUE: the deadline passed 2 working days ago`);
  expect(page).toMatch(/<strong class="overdue">\s*OVERDUE/);
  expect(page).toContain('Mark all remaining schools as assigned');
});

test('a request awaiting assignment shows the working days left and the progress; a completed one the result', () => {
  // Three working days before the deadline, counted by the oracle (holidays included).
  const today = workingDayBeforeOracle(workingDayBeforeOracle(workingDayBeforeOracle(DEADLINE_DATE)));
  const now = atStockholm(today, '10:00');
  const awaiting = requestPage(ctx('sv'), {
    request: request({
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      answeredAt: ANSWERED_AT,
      deadline: endOfDayOracle(DEADLINE_DATE),
      schools: [
        { skolonId: 'sch-1', name: 'Norra skolan', assignment: 'ASSIGNED' },
        { skolonId: 'sch-2', name: 'Södra skolan', assignment: 'PENDING' },
        { skolonId: 'sch-3', name: 'Östra skolan', assignment: 'NOT_LICENSED' },
      ],
    }),
    now,
    formKey: 'k',
  });
  const left = workingDaysBetweenOracle(today, DEADLINE_DATE);
  expect(left).toBe(3);
  expect(textOf(awaiting)).toContain(
    `Sista dag för tilldelning ${longDateOracle(DEADLINE_DATE, 'sv')} (${left} arbetsdagar kvar)`,
  );
  expect(textOf(awaiting)).toContain('1 av 2 skolor med licenser är tilldelade');
  expect(awaiting).not.toContain('>JA</button>');
  const completed = requestPage(ctx(), {
    request: request({ status: 'COMPLETED', response: 'YES', deadline: endOfDayOracle(DEADLINE_DATE) }),
    now,
    formKey: 'k',
  });
  expect(textOf(completed)).toContain('Every licensed school is assigned. The request is completed');
  expect(completed).not.toContain('Mark selected schools as assigned');
});

test("support's extension shows both dates and the reason (escaped) while assignments are open; a reopening while the answer is awaited", () => {
  const extendedTo = nthWorkingDayAfterOracle(DEADLINE_DATE, 2);
  const today = workingDayBeforeOracle(DEADLINE_DATE);
  const now = atStockholm(today, '10:00');
  const extended = requestPage(ctx(), {
    request: request({
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      answeredAt: ANSWERED_AT,
      deadline: endOfDayOracle(extendedTo),
      history: [
        { at: ANSWERED_AT, event: 'CREATED', detail: { numberOfSchools: 2 } },
        {
          at: atStockholm(today, '08:00').toISOString(),
          event: 'DEADLINE_EXTENDED',
          detail: {
            from: endOfDayOracle(DEADLINE_DATE),
            to: endOfDayOracle(extendedTo),
            reason: `Licenses renewed ${EVIL}`,
            by: { role: 'admin' },
          },
        },
      ],
    }),
    now,
    formKey: 'k',
  });
  expect(textOf(extended)).toContain(
    `Skolon support has moved the deadline from ${longDateOracle(DEADLINE_DATE, 'en')} to ${longDateOracle(extendedTo, 'en')}. Reason: Licenses renewed`,
  );
  expectEscaped(extended);
  // Finished: the history keeps it, the notice goes.
  const completed = requestPage(ctx(), {
    request: request({ status: 'COMPLETED', response: 'YES', history: [] }),
    now,
    formKey: 'k',
  });
  expect(completed).not.toContain('data-extension');

  const reopenedOn = workingDayBeforeOracle(today);
  const reopened = requestPage(ctx('sv'), {
    request: request({
      history: [
        { at: atStockholm(reopenedOn, '08:00').toISOString(), event: 'CREATED', detail: { numberOfSchools: 2 } },
        { at: atStockholm(reopenedOn, '09:00').toISOString(), event: 'ANSWERED', detail: { response: 'NO' } },
        {
          at: atStockholm(reopenedOn, '11:00').toISOString(),
          event: 'REOPENED',
          detail: { reason: 'Fel förfrågan', by: { role: 'admin' } },
        },
      ],
    }),
    now,
    formKey: 'k',
  });
  expect(textOf(reopened)).toContain(
    `Skolons support öppnade förfrågan igen ${longDateOracle(reopenedOn, 'sv')} efter ert NEJ: den väntar på ert svar igen. Anledning: Fel förfrågan`,
  );
  expect(reopened).toContain('>JA</button>');
});
