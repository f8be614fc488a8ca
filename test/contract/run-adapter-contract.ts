/**
 * The contract every adapter satisfies, as one suite each adapter's test file runs:
 * authenticity (valid, tampered, wrong secret, rotated secrets, stale and future timestamps where
 * the scheme has them, missing signature, re-serialised body) and mapping (every fixture maps, order
 * ids are present and stable, amounts are integer minor units with an ISO currency).
 *
 * A case that cannot exist for a processor (GoPay signs nothing, Lemon Squeezy has no timestamp)
 * is declared in `notApplicable` with the reason, and the suite does not generate it.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, MappingResult } from '../../src/contract/canonical-records.js';
import { SignatureVerificationError } from '../../src/contract/errors.js';
import type { ProviderAdapter, StoredEvent, VerifiedDelivery } from '../../src/contract/provider-adapter.js';
import type { ConnectionContext, WebhookDelivery } from '../../src/contract/webhook-delivery.js';
import { normalizeCurrency } from '../../src/lib/currencies.js';

export type ContractCase = 'tampered_body' | 'wrong_secret' | 'rotated_secrets' | 'stale_timestamp' | 'future_timestamp' | 'missing_signature' | 'reserialised_body';

export interface SignOptions {
  secret: string;
  /** When the delivery was signed (timestamped schemes). */
  signedAt: Date;
}

export interface AdapterContractSubject {
  provider: ProviderAdapter['id'];
  createAdapter(): ProviderAdapter;
  /** Delivery bodies to verify and map (names in fixtures/<provider>). */
  fixtures: string[];
  /** A connection with these secrets. */
  connection(secrets: string[]): ConnectionContext;
  /** The delivery of a fixture, signed (or tokenised) with `secret` at `signedAt`. */
  deliver(fixture: string, sign: SignOptions): WebhookDelivery;
  /** The same delivery with its body changed after signing. */
  tamper(delivery: WebhookDelivery): WebhookDelivery;
  /** The same delivery without its signature (header, token, …). */
  stripSignature(delivery: WebhookDelivery): WebhookDelivery;
  /** How far from "now" a timestamped signature may be; null when the scheme has no timestamp. */
  toleranceSeconds: number | null;
  /** The processor's record that `confirm` would return for a fixture (GoPay, Gumroad); null otherwise. */
  confirmationFor?(fixture: string): unknown;
  notApplicable?: Partial<Record<ContractCase, string>>;
}

const SECRET = 'contract-secret-current-0123456789';
const OLD_SECRET = 'contract-secret-previous-9876543210';
const NOW = new Date('2026-11-20T10:00:00.000Z');

function storedFrom(delivery: WebhookDelivery, verified: Extract<VerifiedDelivery, { outcome: 'event' }>): StoredEvent {
  return {
    id: 'ev_contract', providerEventId: verified.providerEventId, eventType: verified.eventType,
    rawBody: delivery.rawBody, headers: delivery.headers, query: delivery.query, receivedAt: delivery.receivedAt,
  };
}

function expectRecordShape(record: CanonicalRecord): void {
  switch (record.kind) {
    case 'purchase':
    case 'renewal':
      expect(record.orderId).toMatch(/\S/);
      expect(normalizeCurrency(record.currency)).toBe(record.currency);
      for (const value of Object.values(record.amounts)) expect(Number.isSafeInteger(value) && value >= 0, `amount ${value}`).toBe(true);
      expect(record.amounts.gross).toBeGreaterThanOrEqual(record.amounts.tax);
      expect(record.occurredAt.getTime()).not.toBeNaN();
      break;
    case 'refund':
      expect(normalizeCurrency(record.currency)).toBe(record.currency);
      expect(Number.isSafeInteger(record.amount) && record.amount >= 0).toBe(true);
      expect(record.key).toMatch(/\S/);
      expect(Object.values(record.order)[0]).toMatch(/\S/);
      break;
    case 'chargeback':
    case 'chargeback_won':
      expect(record.disputeKey).toMatch(/\S/);
      expect(Object.values(record.order)[0]).toMatch(/\S/);
      break;
    case 'link':
      expect(record.orderId).toMatch(/\S/);
      expect(record.references.length).toBeGreaterThan(0);
      break;
  }
}

export function runAdapterContract(subject: AdapterContractSubject): void {
  const applies = (name: ContractCase) => !subject.notApplicable?.[name];
  const adapter = subject.createAdapter();
  const connection = subject.connection([SECRET]);
  const deliver = (fixture: string, sign: Partial<SignOptions> = {}) => subject.deliver(fixture, { secret: SECRET, signedAt: NOW, ...sign });
  const [firstFixture] = subject.fixtures;
  if (!firstFixture) throw new Error(`no fixtures for ${subject.provider}`);

  describe(`${subject.provider} adapter contract`, () => {
    it('is registered under its provider id', () => {
      expect(adapter.id).toBe(subject.provider);
    });

    it.each(subject.fixtures)('verifies a correctly signed %s and names it', (fixture) => {
      const verified = adapter.verify(deliver(fixture), connection);
      expect(verified.outcome).toBe('event');
      if (verified.outcome !== 'event') return;
      expect(verified.providerEventId).toMatch(/\S/);
      expect(verified.eventType).toMatch(/\S/);
      // The same bytes always get the same identity: that is what deduplication stands on.
      expect(adapter.verify(deliver(fixture), connection)).toEqual(verified);
    });

    it.each(subject.fixtures)('maps %s to valid canonical records, the same every time', (fixture) => {
      const delivery = deliver(fixture);
      const verified = adapter.verify(delivery, connection);
      if (verified.outcome !== 'event') throw new Error(`${fixture} did not verify as an event`);
      const confirmation = subject.confirmationFor?.(fixture) ?? null;
      const mapping: MappingResult = adapter.map(storedFrom(delivery, verified), connection, confirmation);
      expect(['records', 'ignore', 'wait']).toContain(mapping.outcome);
      if (mapping.outcome === 'records') {
        expect(mapping.records.length).toBeGreaterThan(0);
        mapping.records.forEach(expectRecordShape);
      } else {
        expect(mapping.detail).toMatch(/\S/);
      }
      expect(adapter.map(storedFrom(delivery, verified), connection, confirmation)).toEqual(mapping);
    });

    if (applies('tampered_body')) {
      it('refuses a body changed after signing', () => {
        expect(() => adapter.verify(subject.tamper(deliver(firstFixture)), connection)).toThrow(SignatureVerificationError);
      });
    }

    if (applies('wrong_secret')) {
      it('refuses a delivery signed with another secret', () => {
        expect(() => adapter.verify(deliver(firstFixture, { secret: 'not-the-connection-secret-000000' }), connection)).toThrow(SignatureVerificationError);
      });
    }

    if (applies('rotated_secrets')) {
      it('accepts deliveries signed with either secret while a rotation is under way', () => {
        const rotating = subject.connection([OLD_SECRET, SECRET]);
        expect(adapter.verify(deliver(firstFixture, { secret: OLD_SECRET }), rotating).outcome).toBe('event');
        expect(adapter.verify(deliver(firstFixture, { secret: SECRET }), rotating).outcome).toBe('event');
        expect(() => adapter.verify(deliver(firstFixture, { secret: OLD_SECRET }), connection)).toThrow(SignatureVerificationError);
      });
    }

    if (applies('missing_signature')) {
      it('refuses a delivery without its signature', () => {
        expect(() => adapter.verify(subject.stripSignature(deliver(firstFixture)), connection)).toThrow(SignatureVerificationError);
      });
    }

    if (applies('reserialised_body')) {
      it('refuses a body re-serialised after signing (signatures are over the exact bytes)', () => {
        const delivery = deliver(firstFixture);
        const reserialised = Buffer.from(JSON.stringify(JSON.parse(delivery.rawBody.toString('utf8')), null, 2));
        expect(() => adapter.verify({ ...delivery, rawBody: reserialised }, connection)).toThrow(SignatureVerificationError);
      });
    }

    const tolerance = subject.toleranceSeconds;
    if (tolerance !== null && applies('stale_timestamp')) {
      it(`accepts a signature ${tolerance} s old and refuses one older`, () => {
        expect(adapter.verify(deliver(firstFixture, { signedAt: new Date(NOW.getTime() - tolerance * 1000) }), connection).outcome).toBe('event');
        expect(() => adapter.verify(deliver(firstFixture, { signedAt: new Date(NOW.getTime() - (tolerance + 2) * 1000) }), connection)).toThrow(SignatureVerificationError);
      });
    }
    if (tolerance !== null && applies('future_timestamp')) {
      it('refuses a signature from beyond the tolerance in the future', () => {
        expect(() => adapter.verify(deliver(firstFixture, { signedAt: new Date(NOW.getTime() + (tolerance + 60) * 1000) }), connection)).toThrow(SignatureVerificationError);
      });
    }
  });
}

export const CONTRACT_NOW = NOW;
