/**
 * Encryption of the journal's personal fields at rest. The 2207 input carries the patient's
 * certificate number (their ID number, mdtrt_cert_no) and the output their insurance details; the
 * journal must keep both (a retry resends the exact input, reconciliation reads the output), but
 * the SQLite file on the kiosk's disk must not show them. Each value is sealed with AES-256-GCM under the kiosk's journal key,
 * bound to its payment and column (a sealed value copied to another row does not open).
 *
 * Stored form: "enc1:" + base64(12-byte IV | 16-byte tag | ciphertext). A value without the prefix
 * is a row written before sealing existed and is read as is; every write seals.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedFieldError extends Error {
  override readonly name = 'SealedFieldError';
  constructor(readonly code: 'bad-key' | 'corrupt') {
    super(
      code === 'bad-key'
        ? 'the journal key must be 32 bytes'
        : 'a sealed journal field does not open (wrong key, tampered, or moved)',
    );
  }
}

/** Seals and opens one field of one payment; `context` names the payment and column. */
export interface FieldSealer {
  seal(plain: string, context: string): string;
  open(stored: string, context: string): string;
}

export class AesGcmFieldSealer implements FieldSealer {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SealedFieldError('bad-key');
    this.key = Buffer.from(key);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(stored: string, context: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const bytes = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SealedFieldError('corrupt');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SealedFieldError('corrupt');
    }
  }
}
