/**
 * The deadline CLI as a person runs it (contract: "Working days and the assignment deadline"):
 * `npm run --silent deadline -- --answered-at <instant> [--desired <YYYY-MM-DD>]`.
 * Each call is a real child process (about a second each), so the cases are few.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function runDeadline(...args: string[]) {
  const result = spawnSync(NPM, ['run', '--silent', 'deadline', '--', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run deadline', () => {
  it('prints one line of JSON with the deadline date and instant and exits 0', () => {
    const { status, stdout, stderr } = runDeadline('--answered-at', '2026-12-04T18:00:00+01:00');
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      deadlineDate: '2026-12-11',
      deadline: '2026-12-11T23:59:59.999+01:00',
    });
  });

  it('uses an earlier --desired date and the Stockholm date of a UTC instant', () => {
    // 23:30 UTC on 30 November is Tuesday 1 December in Stockholm; five-day date Tue 8 December.
    const { status, stdout, stderr } = runDeadline('--answered-at', '2026-11-30T23:30:00Z', '--desired', '2026-12-03');
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      deadlineDate: '2026-12-03',
      deadline: '2026-12-03T23:59:59.999+01:00',
    });
  });

  it.each([
    // [what, arguments, what the message names]
    ['--answered-at is missing', ['--desired', '2026-12-10'], '--answered-at'],
    ['--answered-at is not a date', ['--answered-at', 'not-a-date'], 'not-a-date'],
    ['--answered-at has no offset', ['--answered-at', '2026-12-04T10:00:00'], '2026-12-04T10:00:00'],
    [
      '--desired is not a real date',
      ['--answered-at', '2026-12-04T10:00:00Z', '--desired', '2026-02-30'],
      '2026-02-30',
    ],
    ['an unknown flag is given', ['--answered-at', '2026-12-04T10:00:00Z', '--frobnicate', 'yes'], '--frobnicate'],
  ])('fails with a message on stderr and nothing on stdout when %s', (_what, args, named) => {
    const { status, stdout, stderr } = runDeadline(...args);
    expect(status).not.toBe(0);
    expect(status).not.toBeNull();
    expect(stdout).toBe('');
    expect(stderr).toContain(named);
  });
});
