/**
 * @module A notification named only by its object (GoPay: "payment 123 changed") gets its own name
 * once the processor's API says what it is (adapter `confirmedEventId`: "payment 123 is PAID"). The
 * stored event takes that name; if an event of that name is stored already, the notification was a
 * re-delivery of it: it is folded into that event (one stored event per confirmed identity, SPEC §6),
 * whose trace notes it came again, and nothing is applied twice.
 */
import type { InboundEvent } from '../../db/tables/inbound-event.table.js';
import { mergeIntoDelivery, renameDelivery } from '../../db/repositories/inbound-event.repository.js';
import type { PipelineDependencies } from '../pipeline.js';

export type IdentityOutcome = 'renamed' | 'merged' | 'superseded';

export async function settleConfirmedIdentity(deps: PipelineDependencies, event: InboundEvent, identity: string, now: Date): Promise<IdentityOutcome> {
  const claim = { merchantId: event.merchant_id, id: event.id, generation: event.generation };
  return deps.db.transaction().execute(async (trx) => {
    // Should another process give its notification this name at the same moment, the unique key
    // refuses this rename: the event fails, and its retry finds the name taken and merges.
    const renamed = await renameDelivery(trx, claim, event.connection_id, identity);
    if (renamed !== 'taken') return renamed;
    const note = `${now.toISOString()}: notified again (${event.id}); the processor reports the same state, nothing new`;
    const merged = await mergeIntoDelivery(trx, claim, event.connection_id, identity, note);
    if (merged) deps.logger.info('event was a re-delivery', { eventId: event.id, provider: event.provider, sameAs: identity });
    return merged ? 'merged' : 'superseded';
  });
}
