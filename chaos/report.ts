/** The fault table, for the terminal and for docs/chaos-report.md. */
import type { FaultResult } from './faults';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

export function faultTable(results: FaultResult[]): string {
  const rows = [
    [
      'fault',
      'requests',
      'in flight',
      'completed',
      'lost',
      'duplicate mails',
      'webhooks owed',
      'webhooks lost',
      'duplicate webhooks',
      'outage (s)',
      'recovery (s)',
    ],
    ...results.map((r) => [
      r.fault,
      String(r.requests),
      String(r.inFlight),
      String(r.completed),
      String(r.lost),
      String(r.duplicateMails),
      String(r.webhooksOwed),
      String(r.lostWebhooks),
      String(r.duplicateWebhooks),
      seconds(r.outageMs),
      seconds(r.recoveryMs),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

export function faultNotes(results: FaultResult[]): string {
  return results
    .map((r) =>
      [`- **${r.fault}**`, ...r.notes.map((n) => `  - ${n}`), ...r.problems.map((p) => `  - PROBLEM: ${p}`)].join('\n'),
    )
    .join('\n');
}

export function failed(results: FaultResult[]): boolean {
  return results.some(
    (r) =>
      r.lost > 0 ||
      r.duplicateMails > 0 ||
      r.lostWebhooks > 0 ||
      r.duplicateWebhooks > 0 ||
      r.webhooksOwed === 0 ||
      r.problems.length > 0 ||
      r.completed !== r.requests,
  );
}
