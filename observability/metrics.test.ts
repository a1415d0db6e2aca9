import { businessMetrics, registry } from './metrics';

async function count(name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

test("support's exceptions are counted from the history events a transition newly stored, one each", async () => {
  const extendedBefore = await count('license_requests_deadline_extended_total');
  const reopenedBefore = await count('license_requests_reopened_total');
  businessMetrics.historyEventsStored([
    { event: 'DEADLINE_EXTENDED', detail: { from: '2030-01-07', to: '2030-01-09', reason: 'Renewal' } },
    { event: 'NOTIFICATION_RESENT', detail: {} },
  ]);
  businessMetrics.historyEventsStored([{ event: 'REOPENED', detail: { reason: 'Wrong request' } }]);
  // A retried write that found its events stored passes none: nothing more is counted.
  businessMetrics.historyEventsStored([]);
  expect(await count('license_requests_deadline_extended_total')).toBe(extendedBefore + 1);
  expect(await count('license_requests_reopened_total')).toBe(reopenedBefore + 1);
});
