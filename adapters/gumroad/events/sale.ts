/**
 * @module `sale` pings: a purchase, or a membership renewal when `is_recurring_charge` is true
 * (Gumroad sends that key only when true). The sale id is the order id. `url_params` — the hub's
 * attribution — travels only on a sale's first ping (providers.md §4.3), so the sale binds
 * `gumroad:sale:<id>` for its refunds and disputes, and a first membership sale binds
 * `gumroad:subscription:<id>` for the renewals, which carry no `url_params`.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { readAttributionKeys } from '../../../src/lib/attribution-keys.js';
import { gumroadMoney } from '../gumroad-money.js';
import { gumroadTime, records, type SalePing } from '../gumroad-mapping.js';
import { gumroadReference } from '../gumroad-references.js';

export function mapSale({ ping, saleId, sale, event }: SalePing): MappingResult {
  const money = gumroadMoney(ping, sale);
  const renewal = ping.is_recurring_charge;
  const subscriptionId = ping.subscription_id;
  return records(ping, {
    kind: renewal ? 'renewal' : 'purchase',
    orderId: saleId,
    occurredAt: gumroadTime(ping.sale_timestamp) ?? gumroadTime(sale?.createdAt) ?? event.receivedAt,
    currency: money.currency,
    amounts: { gross: money.gross, tax: 0, shipping: 0, discount: 0 },
    amountsPrecedence: 1,
    conversionType: renewal ? 'recurring' : subscriptionId ? 'subscription' : 'one_time',
    hints: { ...readAttributionKeys(ping.url_params), source: 'url_params' },
    subscriptionKey: subscriptionId ? gumroadReference.subscription(subscriptionId) : null,
    customerKey: null,
    references: [gumroadReference.sale(saleId)],
    customerEmail: ping.email,
    customerId: ping.purchaser_id,
    metadata: {
      gumroad: Object.fromEntries(Object.entries({
        saleId, orderNumber: ping.order_number, productId: ping.product_id, subscriptionId,
        productCurrency: ping.currency?.toUpperCase() ?? null, priceUsdCents: sale?.priceUsdCents ?? ping.price ?? null, amountsFrom: money.source,
      }).filter(([, value]) => value !== null && value !== undefined)),
    },
  });
}
