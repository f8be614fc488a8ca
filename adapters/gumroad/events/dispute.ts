/**
 * @module `dispute` (a chargeback, `disputed=true`) and `dispute_won` (`dispute_won=true`) pings.
 * With the Sales API its `chargedback` (lost and not reversed) and `dispute_won` decide, so a late
 * `dispute` ping after the dispute was won restores rather than reverses. Gumroad has one dispute per sale.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { ignore, records, type SalePing } from '../gumroad-mapping.js';
import { gumroadReference } from '../gumroad-references.js';

export function mapDispute({ ping, saleId, sale, event }: SalePing, resource: 'dispute' | 'dispute_won'): MappingResult {
  let won: boolean;
  if (sale) {
    if (!sale.disputeWon && !sale.chargedback) return ignore(ping, 'irrelevant_event', `the Sales API shows no open, lost or won dispute on sale ${saleId}`);
    won = sale.disputeWon;
  } else {
    won = resource === 'dispute_won' || ping.dispute_won;
  }
  return records(ping, {
    kind: won ? 'chargeback_won' : 'chargeback',
    order: { reference: gumroadReference.sale(saleId) },
    disputeKey: gumroadReference.dispute(saleId),
    occurredAt: event.receivedAt,
  });
}
