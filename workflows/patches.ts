/**
 * Whether a change to the workflow applies (CONTRIBUTING.md, "Changing the workflow safely"): each
 * id in PATCHES (definitions.ts) is passed to `patched()`; workflows started before the change
 * replay without it, new ones (and old ones from that point on) get it.
 *
 * The workflow asks through this one function so that workflows/replay.test.ts can bundle it with
 * every patch forced on or off, and so show that the histories recorded before a patch need its guard.
 */
import { patched } from '@temporalio/workflow';
import type { PatchId } from './definitions';

export function isPatched(id: PatchId): boolean {
  return patched(id);
}
