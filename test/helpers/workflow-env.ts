/**
 * Workflow tests on the real time-skipping test server: the real workflow, the real calendar
 * activities, and in-memory persistence and mail that record what the workflow asked for and when
 * (in the test server's skipped time).
 */
import crypto from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  Activities,
  RecordRequestWebhookInput,
  SendRequestMailInput,
  TransitionRecord,
  WebhookAttemptResult,
  WebhookDeliveryInput,
} from '../../activities';
import { createCalendarActivities } from '../../activities/calendar';
import { openRequest } from '../../activities/opening';
import { registerSearchAttributes } from '../../runtime/search-attributes';
import { DEFAULT_REMINDER_POLICY } from '../../domain/reminders';
import { webhookEventId, webhookEventOf } from '../../domain/webhook-events';
import type { WorkingDayCalendar } from '../../domain/working-days';
import type { LicenseRequestInput } from '../../domain/license-request';
import { createUpdate, licenseRequestWorkflowId } from '../../workflows/definitions';
import { licenseRequestWorkflow } from '../../workflows/license-request';
import { quietRuntime } from './stack';
import { atStockholm, nextMondayWorkingWeek, type OracleDate } from './calendar-oracle';

export interface WorkflowTestEnv {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * A fresh time-skipping server (the workflow bundle is made once per file). One per test: the test
 * server (1.36-1.40) sometimes refuses a workflow task completion with "invalid history builder
 * state for action" once earlier tests' workflows ran on the same server, so tests do not share one.
 */
export async function createWorkflowTestEnv(): Promise<WorkflowTestEnv> {
  quietRuntime();
  // The binary the global setup found or installed; without one, the SDK's own download.
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const env = await TestWorkflowEnvironment.createTimeSkipping(
    path ? { server: { executable: { type: 'existing-path', path } } } : {},
  );
  await registerSearchAttributes(env.connection, 'default');
  // teardown() closes the client's gRPC channel; a call the SDK is still retrying (from a timer)
  // then throws "Channel has been shut down" into whatever test runs next. The channel is left
  // open instead (the server is stopped anyway), so a late retry only gets UNAVAILABLE and ends.
  (env.connection as unknown as { close: () => Promise<void> }).close = async () => undefined;
  return { env, bundle: await bundle };
}

/**
 * Registers hooks that give every test of the file a fresh server (see createWorkflowTestEnv),
 * torn down at the end of the file rather than after each test, so that a client call still being
 * retried when a test ends never meets a closed connection.
 */
export function freshWorkflowTestEnvPerTest(use: (env: WorkflowTestEnv) => void): void {
  const envs: WorkflowTestEnv[] = [];
  beforeEach(async () => {
    const env = await createWorkflowTestEnv();
    envs.push(env);
    use(env);
  }, 120_000);
  afterAll(async () => {
    for (const env of envs) await env.env.teardown();
  }, 120_000);
}

export interface SentMail extends SendRequestMailInput {
  /** When the workflow asked for it, in the test server's time. */
  at: Date;
}

export interface RecordingOptions {
  /**
   * The partner has a webhook endpoint that wants every event: each event is recorded and its
   * delivery workflow started. Its attempts get these answers in turn, then `delivered`.
   */
  webhook?: { answers?: WebhookAttemptResult[] };
}

export function recordingActivities(calendar?: WorkingDayCalendar, options: RecordingOptions = {}) {
  const requests: LicenseRequestInput[] = [];
  const transitions: TransitionRecord[] = [];
  const mails: SentMail[] = [];
  /** Occasions the workflow recorded as webhook events (delivered only with `options.webhook`). */
  const webhookEvents: RecordRequestWebhookInput[] = [];
  /** The delivery attempts made, in order (with `options.webhook`). */
  const webhookAttempts: WebhookDeliveryInput[] = [];
  const answers = [...(options.webhook?.answers ?? [])];
  const noWebhooks = async (): Promise<never> => {
    throw new Error('no webhook is configured in these tests');
  };
  const activities: Activities = {
    async recordRequest(input) {
      // As the real activity: a create without a key is not stored after its storeBy.
      if (input.storeBy && Date.now() > Date.parse(input.storeBy)) return false;
      requests.push(input);
      return true;
    },
    async recordTransition(record) {
      transitions.push(record);
    },
    ...createCalendarActivities(DEFAULT_REMINDER_POLICY, calendar),
    // The real first step, made of the stand-ins here: as late-bound calls, so that a test that
    // replaces one of them (recordRequest, say) changes the first step too.
    openRequest: (input) => openRequest(activities, input),
    async sendRequestMail(input) {
      mails.push({ ...input, at: new Date(Context.current().info.currentAttemptScheduledTimestampMs) });
      return 'SENT';
    },
    async recordRequestWebhookEvent(input) {
      webhookEvents.push(input);
      const type = webhookEventOf(input.occasion);
      if (!options.webhook || !type) return null;
      return {
        deliveryId: webhookEventId(input.requestId, input.occasion, input.sequence),
        requestId: input.requestId,
        type,
      };
    },
    ...(options.webhook
      ? {
          async deliverWebhook(input: WebhookDeliveryInput): Promise<WebhookAttemptResult> {
            webhookAttempts.push(input);
            return answers.shift() ?? { kind: 'delivered', status: 204, attempts: webhookAttempts.length };
          },
          async giveUpWebhookDelivery() {},
          async disableWebhookEndpointAfterGone() {
            return null;
          },
        }
      : {
          deliverWebhook: noWebhooks,
          giveUpWebhookDelivery: noWebhooks,
          disableWebhookEndpointAfterGone: noWebhooks,
        }),
  };
  return {
    activities,
    requests,
    transitions,
    mails,
    webhookEvents,
    webhookAttempts,
    occasions: () => mails.map((m) => m.occasion),
  };
}

export type Recording = ReturnType<typeof recordingActivities>;

/**
 * Whether the workflow has a workflow task or an activity outstanding, read from its history: the
 * time-skipping test server's describe does not report its pending workflow task.
 */
export async function hasWorkOutstanding(handle: WorkflowHandle): Promise<boolean> {
  const { EventType } = temporal.api.enums.v1;
  let workflowTasks = 0;
  const activities = new Set<string>();
  for (const event of (await handle.fetchHistory()).events ?? []) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        workflowTasks++;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        workflowTasks--;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.add(String(event.eventId));
        break;
      default: {
        const closed =
          event.activityTaskCompletedEventAttributes ??
          event.activityTaskFailedEventAttributes ??
          event.activityTaskTimedOutEventAttributes ??
          event.activityTaskCanceledEventAttributes;
        if (closed) activities.delete(String(closed.scheduledEventId));
      }
    }
  }
  return workflowTasks > 0 || activities.size > 0;
}

/** Waits until the workflow has no workflow task or activity outstanding (e.g. before a worker stops). */
export async function settled(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (!(await hasWorkOutstanding(handle))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the workflow did not settle');
}

export function newInput(
  options: { schoolIds?: string[]; desiredAvailability?: string | null; createdAt?: Date } = {},
): LicenseRequestInput {
  return {
    requestId: crypto.randomUUID(),
    partnerId: 'acme',
    organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
    schools: (options.schoolIds ?? ['sch-1', 'sch-2', 'sch-3']).map((skolonId, i) => ({
      skolonId,
      name: `Skola ${i + 1}`,
    })),
    desiredAvailability: options.desiredAvailability ?? null,
    contacts: [{ name: 'Anna Andersson', email: 'anna@kommun.test' }],
    createdAt: (options.createdAt ?? new Date()).toISOString(),
  };
}

/** Runs `body` while a worker with the recording activities polls `taskQueue`. */
export async function withTestWorker(
  { env, bundle }: WorkflowTestEnv,
  taskQueue: string,
  rec: Recording,
  body: () => Promise<void>,
): Promise<void> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: rec.activities,
  });
  await worker.runUntil(body);
}

/** Creates the request's workflow as the API does: update-with-start of the `create` update. */
export function createByUpdateWithStart({ env }: WorkflowTestEnv, input: LicenseRequestInput, taskQueue: string) {
  const start = new WithStartWorkflowOperation(licenseRequestWorkflow, {
    workflowId: licenseRequestWorkflowId(input.requestId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  const created = env.client.workflow.executeUpdateWithStart(createUpdate, {
    updateId: 'create',
    startWorkflowOperation: start,
  });
  return { created, handle: () => start.workflowHandle() };
}

/** Runs `body` with a worker on a fresh task queue and a workflow created as the API creates it (update-with-start). */
export async function withWorkflow(
  testEnv: WorkflowTestEnv,
  body: (handle: WorkflowHandle<typeof licenseRequestWorkflow>, rec: Recording) => Promise<void>,
  input: LicenseRequestInput = newInput(),
  rec: Recording = recordingActivities(),
): Promise<void> {
  const taskQueue = `test-${input.requestId}`;
  await withTestWorker(testEnv, taskQueue, rec, async () => {
    const { created, handle } = createByUpdateWithStart(testEnv, input, taskQueue);
    await created;
    await body(await handle(), rec);
  });
}

/**
 * The time-skipping test server's clock, where every scenario takes its dates from (`env` is read
 * when called: the suites make a fresh environment per test).
 */
export function serverClock(env: () => WorkflowTestEnv) {
  const now = async () => new Date(await env().env.currentTimeMs());
  /** Moves the clock forward to `at`; an instant already past is a mistake in the test. */
  async function skipToInstant(at: Date): Promise<void> {
    const current = await env().env.currentTimeMs();
    if (at.getTime() < current) throw new Error(`${at.toISOString()} is already past on the test server`);
    await env().env.sleep(at.getTime() - current);
  }
  return {
    now,
    skipToInstant,
    /** Moves the clock forward to a Stockholm wall-clock time on `date`. */
    skipTo: async (date: OracleDate, time: string): Promise<Date> => {
      const target = atStockholm(date, time);
      await skipToInstant(target);
      return target;
    },
    /** A Monday at least a week ahead whose next `workingDays` weekdays are all working days. */
    clearMonday: async (workingDays: number) =>
      nextMondayWorkingWeek(await now(), { atLeastDaysAhead: 7, workingDays }),
  };
}
