/**
 * Every timeout is finite and shorter than the one it sits inside, so that a part that stops
 * answering fails the attempt around it (which is retried) instead of hanging it: database and SMTP
 * calls inside activities, activities inside an API call that waits for an update.
 */
import { msToNumber } from '@temporalio/common';
import { SMTP_TIMEOUTS } from '../activities/mailer';
import { CLAIM_LEASE_MS, CLAIM_RENEW_EVERY_MS } from '../activities/mail';
import { WEBHOOK_HEARTBEAT_EVERY_MS } from '../activities/webhooks';
import { DELIVERY_TIMEOUT_MS } from '../domain/webhooks';
import { UPDATE_TIMEOUT_MS } from '../services/license-requests';
import { DATABASE_TIMEOUTS } from '../db/database';
import {
  ACTIVITY_TIMEOUTS,
  WEBHOOK_ATTEMPT_HEARTBEAT_TIMEOUT_MS,
  WEBHOOK_ATTEMPT_TIMEOUT_MS,
} from '../workflows/definitions';

const { database, mail } = ACTIVITY_TIMEOUTS;

test('a database call (waiting for a connection, then the query) ends before the database activity times out', () => {
  expect(DATABASE_TIMEOUTS.statementMs).toBeLessThan(DATABASE_TIMEOUTS.queryMs);
  expect(DATABASE_TIMEOUTS.connectMs + DATABASE_TIMEOUTS.queryMs).toBeLessThan(database.startToCloseMs);
});

test('an SMTP exchange (connect, greeting, a silent socket) ends before the mail activity times out', () => {
  const smtp = SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout + SMTP_TIMEOUTS.socketTimeout;
  // Besides the send, the activity reads and writes the database a few times.
  expect(smtp + 6 * (DATABASE_TIMEOUTS.connectMs + DATABASE_TIMEOUTS.queryMs)).toBeLessThan(mail.startToCloseMs);
});

test('a mail attempt heartbeats well within its heartbeat timeout, and its claim outlives a slow renewal', () => {
  expect(CLAIM_RENEW_EVERY_MS * 2).toBeLessThanOrEqual(mail.heartbeatMs);
  expect(CLAIM_LEASE_MS).toBeGreaterThan(
    CLAIM_RENEW_EVERY_MS + DATABASE_TIMEOUTS.connectMs + DATABASE_TIMEOUTS.queryMs,
  );
  // A retry is scheduled only after Temporal noticed the missing heartbeat; the lease is not much longer.
  expect(CLAIM_LEASE_MS).toBeLessThan(mail.heartbeatMs * 3);
});

test('a webhook attempt heartbeats well within its heartbeat timeout, and its HTTP call and database writes end well before the attempt times out', () => {
  expect(WEBHOOK_HEARTBEAT_EVERY_MS * 2).toBeLessThanOrEqual(WEBHOOK_ATTEMPT_HEARTBEAT_TIMEOUT_MS);
  const databaseCall = DATABASE_TIMEOUTS.connectMs + DATABASE_TIMEOUTS.queryMs;
  // Claim and endpoint before the call, the record after it; what is left retries a failed record.
  expect(DELIVERY_TIMEOUT_MS + 3 * databaseCall).toBeLessThan(WEBHOOK_ATTEMPT_TIMEOUT_MS);
});

test('an API call waiting for an update outlasts one database attempt lost with a dead worker and its retry', () => {
  const firstRetryMs = msToNumber('1 second'); // the database activities' initial retry interval
  expect(database.startToCloseMs + firstRetryMs).toBeLessThan(UPDATE_TIMEOUT_MS);
});
