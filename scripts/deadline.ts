/**
 * `npm run --silent deadline -- --answered-at <ISO-8601 instant> [--desired <YYYY-MM-DD>]`
 * prints the assignment deadline as one line of JSON (contract: "Working days and the assignment
 * deadline"). Bad arguments: a message on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { assignmentDeadline } from '../domain/license-request';
import { parseIsoDate, swedishCalendar } from '../domain/working-days';

const USAGE = 'usage: npm run --silent deadline -- --answered-at <ISO-8601 instant> [--desired <YYYY-MM-DD>]';

function fail(message: string): never {
  process.stderr.write(`deadline: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function main() {
  let values: { 'answered-at'?: string; desired?: string };
  try {
    ({ values } = parseArgs({
      options: { 'answered-at': { type: 'string' }, desired: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const answeredAtText = values['answered-at'];
  if (!answeredAtText) fail('--answered-at is required');
  // An instant needs a date, a time and an offset (or Z): a bare date or local time is ambiguous.
  const answeredAt = DateTime.fromISO(answeredAtText, { setZone: true });
  if (!answeredAt.isValid || !/T.*(Z|[+-]\d{2}(:?\d{2})?)$/i.test(answeredAtText)) {
    fail(`--answered-at "${answeredAtText}" is not an ISO-8601 instant with an offset, e.g. 2026-12-04T16:30:00Z`);
  }
  const desired = values.desired;
  if (desired !== undefined && !parseIsoDate(desired)) fail(`--desired "${desired}" is not a real date as YYYY-MM-DD`);
  process.stdout.write(
    `${JSON.stringify(assignmentDeadline(swedishCalendar, answeredAt.toJSDate(), desired ?? null))}\n`,
  );
}

main();
