/**
 * Webhook signing secrets at rest. A secret cannot be stored as a hash the way API keys are: every
 * delivery is signed with an HMAC keyed by the secret itself, so the worker must be able to read it
 * back. It is stored sealed instead: AES-256-GCM under WEBHOOK_SECRET_KEY, a key that lives in the
 * environment (or, in development, in a file under DATA_DIR), never in the database. A copy of the
 * database alone (a backup, a replica, a leaked dump) therefore cannot forge deliveries; GCM's tag
 * makes any change to a stored value fail to open instead of signing with something else, and the
 * associated data (the `context`, e.g. the partner) binds each value to its owner, so a value
 * copied to another partner's row does not open either.
 *
 * Stored form: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id (a hash of the key, not
 * the key) tells which key sealed a value, so a wrong or replaced key is reported as such.
 */
import crypto from 'node:crypto';

const VERSION = 'v1';

export interface SecretBox {
  /** A short, public fingerprint of the key: which key sealed a stored value. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  /** The plaintext, or throws when the value was sealed with another key, for another context, or changed. */
  open(sealed: string, context: string): string;
}

export class SecretBoxError extends Error {}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError('The webhook secret key must be 32 bytes.');
  const keyId = crypto.createHash('sha256').update('webhook-secret-key:').update(key).digest('base64url').slice(0, 8);
  const aad = (context: string) => Buffer.from(`${VERSION}:${keyId}:${context}`, 'utf8');
  return {
    keyId,
    seal(plaintext, context) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, keyId, iv, tag, ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const [version, sealedKeyId, iv, tag, ciphertext, ...rest] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || ciphertext === undefined || rest.length > 0) {
        throw new SecretBoxError('A stored webhook secret is not in a form this version reads.');
      }
      if (sealedKeyId !== keyId) {
        throw new SecretBoxError(
          `A stored webhook secret was sealed with another WEBHOOK_SECRET_KEY (key id ${sealedKeyId}, this one is ${keyId}).`,
        );
      }
      try {
        // The tag length is fixed, so a shortened tag cannot pass.
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: 16,
        });
        decipher.setAAD(aad(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretBoxError('A stored webhook secret does not open: it was changed, or belongs to another row.');
      }
    },
  };
}
