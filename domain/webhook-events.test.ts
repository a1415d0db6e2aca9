import { MAIL_OCCASIONS } from './license-request';
import { WEBHOOK_EVENT_TYPES } from './webhooks';
import { WEBHOOK_RETRY_WINDOW_MS, webhookEventId, webhookEventOf, webhookRetryDelayMs } from './webhook-events';

test('each occasion that tells the partner something maps to its event type, by name', () => {
  expect(webhookEventOf('CREATED')).toBe('license_request.created');
  expect(webhookEventOf('UNANSWERED_REMINDER')).toBe('license_request.reminder');
  expect(webhookEventOf('UNANSWERED_ESCALATION')).toBe('license_request.reminder');
  expect(webhookEventOf('DEADLINE_NEAR')).toBe('license_request.deadline_near');
  expect(webhookEventOf('OVERDUE')).toBe('license_request.overdue');
  expect(webhookEventOf('WITHDRAWN')).toBe('license_request.withdrawn');
  // Support's exceptions: mapped by name, whether or not the occasions exist yet.
  expect(webhookEventOf('DEADLINE_EXTENDED')).toBe('license_request.deadline_extended');
  expect(webhookEventOf('REOPENED')).toBe('license_request.reopened');
});

test("mail to the organisation's contacts, and names that are no occasion, produce no event", () => {
  for (const occasion of ['ANSWERED_YES', 'ANSWERED_NO', 'COMPLETED', 'WEBHOOK_DISABLED', 'toString', '__proto__']) {
    expect(webhookEventOf(occasion)).toBeUndefined();
  }
});

test('every event type has an occasion, and every mapped occasion on main is a mail occasion', () => {
  const mapped = ['CREATED', 'UNANSWERED_REMINDER', 'UNANSWERED_ESCALATION', 'DEADLINE_NEAR', 'OVERDUE', 'WITHDRAWN'];
  for (const occasion of mapped) expect(MAIL_OCCASIONS).toContain(occasion);
  const types = new Set([...mapped, 'DEADLINE_EXTENDED', 'REOPENED'].map((occasion) => webhookEventOf(occasion)));
  expect([...types].sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
});

test("an event's id is the occasion's: the same occasion names the same event, another occasion another", () => {
  expect(webhookEventId('r1', 'CREATED', 0)).toBe(webhookEventId('r1', 'CREATED', 0));
  const ids = new Set([
    webhookEventId('r1', 'CREATED', 0),
    webhookEventId('r1', 'UNANSWERED_REMINDER', 0),
    webhookEventId('r1', 'UNANSWERED_REMINDER', 1),
    webhookEventId('r2', 'CREATED', 0),
  ]);
  expect(ids.size).toBe(4);
});

test('retries back off from 30 s to at most an hour, and fill the 24 hours with about 30 attempts', () => {
  expect([1, 2, 3, 4].map(webhookRetryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
  expect(webhookRetryDelayMs(50)).toBe(3_600_000);
  let elapsed = 0;
  let attempts = 1;
  while (elapsed < WEBHOOK_RETRY_WINDOW_MS) elapsed += webhookRetryDelayMs(attempts++);
  expect(attempts).toBeGreaterThan(25);
  expect(attempts).toBeLessThan(40);
});
