/**
 * One request of a fuzz corpus and what may come back. Cases are built from their own seeded stream
 * (the corpus seed mixed with the case's index), at the moment they are sent — so signatures carry a
 * fresh timestamp (Paddle tolerates 5 s) and the corpus does not depend on the order requests finish.
 */
import { mutateBody, serialiseBase } from './body-mutations.js';
import { mutateEnvelope, type WireRequest } from './envelope-mutations.js';
import type { FaultConnection } from './hub-api.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import type { BaseDelivery, SignedProcessor } from './signed-processors.js';

export interface FuzzCase {
  /** Which processor, fixture, mutations and signing, for failure messages. */
  label: string;
  request: WireRequest;
  /** The hub may close the connection instead of answering (limits enforced at the socket). */
  mayReset: boolean;
  /** False when the request is surely not authentic: the hub must not store it (no 2xx with an eventId). */
  mayBeStored: boolean;
}

/** The stream of case `index` of the corpus seeded `seed`. */
export function caseRandom(seed: number, index: number): SeededRandom {
  return seededRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

/** A mutated, validly or invalidly signed delivery to one of the five signing processors. */
export function signedDeliveryCase(processor: SignedProcessor, deliveries: readonly BaseDelivery[], connection: FaultConnection, seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index);
  const delivery = random.pick(deliveries);
  const original = serialiseBase(delivery.body);
  const mutated = mutateBody(random, delivery.body);
  const mode = random.pick(processor.signingModes);
  const signature = processor.sign(mode, mutated.body, original, connection, random);
  const authentic = mode === 'valid' || (mode === 'signed-original' && mutated.body.equals(original));
  const path = `/webhooks/${processor.provider}/${connection.id}${signature.query === '' ? '' : `?${signature.query}`}`;
  const envelope = mutateEnvelope(random, { method: 'POST', path, headers: { ...delivery.headers, ...signature.headers }, body: mutated.body }, processor.signatureHeader);
  return {
    label: `${processor.provider} #${index} ${delivery.name}: ${mutated.mutation} (${mutated.note}); ${envelope.note}; signature ${mode}`,
    request: envelope,
    mayReset: Boolean(mutated.mayReset) || envelope.mayReset,
    mayBeStored: authentic,
  };
}
