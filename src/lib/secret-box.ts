/**
 * @module AES-256-GCM encryption at rest, key-versioned so the master key can rotate.
 *
 * Each purpose (processor secrets, raw deliveries, …) has its own key derived from every master
 * key the hub knows: `HUB_SECRET_KEY` (the current one, which seals) and `HUB_SECRET_KEY_PREVIOUS`
 * (retired ones, which only open). A sealed value names the key that sealed it by a short id, so
 * opening never guesses; values sealed before key ids existed (`v1`) are tried with every key.
 * `associatedData` binds a ciphertext to its row, so a sealed value copied onto another row does
 * not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { deriveKey } from './hashing.js';

export interface SealingKey {
  /** 8 hex characters naming the key (not secret: a digest of the derived key). */
  readonly id: string;
  readonly key: Buffer;
}

/** The keys of one purpose, the current one (which seals) first. */
export interface SealingKeys {
  readonly current: SealingKey;
  readonly all: readonly SealingKey[];
}

export function sealingKeys(masterKeys: readonly Buffer[], purpose: string): SealingKeys {
  const all = masterKeys.map((master) => {
    const key = deriveKey(master, purpose);
    return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
  });
  const [current] = all;
  if (!current) throw new Error('at least one master key is needed');
  return { current, all };
}

function keyById(keys: SealingKeys, id: string): SealingKey {
  const found = keys.all.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`sealed under key ${id}, which is neither HUB_SECRET_KEY nor in HUB_SECRET_KEY_PREVIOUS`);
  return found;
}

function encrypt(key: Buffer, plaintext: Buffer, associatedData: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function decrypt(key: Buffer, parts: { iv: Buffer; tag: Buffer; ciphertext: Buffer }, associatedData: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, parts.iv);
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(parts.tag);
  return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
}

/** `v2.<keyId>.<iv>.<tag>.<ciphertext>`, base64url parts; a fresh 96-bit IV every time. */
export function sealText(keys: SealingKeys, plaintext: string, associatedData: string): string {
  const { iv, tag, ciphertext } = encrypt(keys.current.key, Buffer.from(plaintext, 'utf8'), associatedData);
  return ['v2', keys.current.id, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export function openText(keys: SealingKeys, sealed: string, associatedData: string): string {
  const parts = sealed.split('.');
  const [version] = parts;
  if (version === 'v2' && parts.length === 5) {
    const [, id = '', iv = '', tag = '', ciphertext = ''] = parts;
    const fields = { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ciphertext: Buffer.from(ciphertext, 'base64url') };
    return decrypt(keyById(keys, id).key, fields, associatedData).toString('utf8');
  }
  if (version === 'v1' && parts.length === 4) {
    const [, iv = '', tag = '', ciphertext = ''] = parts;
    const fields = { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ciphertext: Buffer.from(ciphertext, 'base64url') };
    for (const candidate of keys.all) {
      try {
        return decrypt(candidate.key, fields, associatedData).toString('utf8');
      } catch {
        // Not this key: v1 values do not say which one sealed them.
      }
    }
    throw new Error('the sealed value opens with none of the known keys');
  }
  throw new Error('unrecognised sealed value format');
}

/** The id of the key a text was sealed with; null for the unversioned v1 format. */
export function sealedTextKeyId(sealed: string): string | null {
  const parts = sealed.split('.');
  return parts[0] === 'v2' ? (parts[1] ?? null) : null;
}

const BYTES_VERSION = 0x02;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

/** Bytes sealed as `[0x02][key id: 4][iv: 12][tag: 16][ciphertext]`. */
export function sealBytes(keys: SealingKeys, plaintext: Buffer, associatedData: string): Buffer {
  const { iv, tag, ciphertext } = encrypt(keys.current.key, plaintext, associatedData);
  return Buffer.concat([Buffer.from([BYTES_VERSION]), Buffer.from(keys.current.id, 'hex'), iv, tag, ciphertext]);
}

export function openBytes(keys: SealingKeys, sealed: Uint8Array, associatedData: string): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < HEADER_BYTES || bytes[0] !== BYTES_VERSION) throw new Error('unrecognised sealed bytes format');
  const id = bytes.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
  const iv = bytes.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
  const tag = bytes.subarray(1 + KEY_ID_BYTES + IV_BYTES, HEADER_BYTES);
  return decrypt(keyById(keys, id).key, { iv, tag, ciphertext: bytes.subarray(HEADER_BYTES) }, associatedData);
}

/** The id of the key sealed bytes were sealed with. */
export function sealedBytesKeyId(sealed: Uint8Array): string | null {
  return sealed.length >= HEADER_BYTES && sealed[0] === BYTES_VERSION ? Buffer.from(sealed.subarray(1, 1 + KEY_ID_BYTES)).toString('hex') : null;
}
