/** Reading the portal's forms and query strings, and the Idempotency-Key each rendered form sends. */
import crypto from 'node:crypto';

/** A form or query value given once (a repeated one counts as its first). */
export function single(value: unknown): string | undefined {
  const v = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/** A form or query value that may be given many times (checkboxes). */
export function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? (value as unknown[]) : [value]).filter((v): v is string => typeof v === 'string');
}

/**
 * The Idempotency-Key a form sends to the service: one per rendered form (a double click or a
 * resent POST is the same change, answered with the first outcome), and per content, so that the
 * same form sent again with other schools is a change of its own.
 */
export function formIdempotencyKey(kind: string, formKey: string | undefined, content: unknown): string | undefined {
  if (!formKey || formKey.length > 100) return undefined;
  return `portal-${kind}-${crypto
    .createHash('sha256')
    .update(JSON.stringify([formKey, content]))
    .digest('base64url')}`;
}
