/**
 * @module Gumroad ping → canonical records: `sale` → purchase or renewal, `refund` → refunded
 * total, `dispute` → chargeback, `dispute_won` → chargeback won; subscription pings
 * (`cancellation`, `subscription_*`) move no money and are ignored. With an access token the Sales
 * API's view of the sale decides amounts, refunds and disputes; a sale the API does not know for
 * the token's account is ignored as `foreign_account`.
 */
import type { MappingResult } from '../../src/contract/canonical-records.js';
import type { StoredEvent } from '../../src/contract/provider-adapter.js';
import { mapDispute } from './events/dispute.js';
import { mapRefund } from './events/refund.js';
import { mapSale } from './events/sale.js';
import { gumroadResource } from './gumroad-event-identity.js';
import { ignore } from './gumroad-mapping.js';
import type { GumroadConfirmation, GumroadPing } from './gumroad-schema.js';

export function mapGumroadPing(ping: GumroadPing, confirmation: GumroadConfirmation | null, event: StoredEvent): MappingResult {
  const resource = gumroadResource(ping);
  switch (resource) {
    case 'sale':
    case 'refund':
    case 'dispute':
    case 'dispute_won': {
      const saleId = ping.sale_id;
      if (!saleId) throw new Error(`Gumroad ${resource} ping without a sale_id`);
      if (confirmation && !confirmation.found) {
        return ignore(ping, 'foreign_account', `sale ${saleId}: ${confirmation.detail}; the ping does not name a sale of the account behind the access token`);
      }
      const salePing = { ping, saleId, sale: confirmation?.sale ?? null, event };
      if (resource === 'sale') return mapSale(salePing);
      if (resource === 'refund') return mapRefund(salePing);
      return mapDispute(salePing, resource);
    }
    case 'cancellation':
      return ignore(ping, 'irrelevant_event', `subscription ${ping.subscription_id ?? '?'} was cancelled: no money moved, and its sales keep their commission`, null);
    default:
      return ignore(ping, 'irrelevant_event', `Gumroad ${resource ?? 'unnamed'} pings do not affect conversions`, null);
  }
}
