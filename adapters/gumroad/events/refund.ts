/**
 * @module `refund` pings. Gumroad pings every refund with the sale's payload, `refunded=true` only
 * once the sale is fully refunded, and no amount at all (providers.md §4.2). The refunded total is
 * therefore: with the Sales API, the sale minus what is still refundable (or all of it when
 * `refunded`); without it, all of it for a full refund — and a partial refund waits, because only
 * the API can tell how much.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { gumroadMoney } from '../gumroad-money.js';
import { ignore, records, wait, type SalePing } from '../gumroad-mapping.js';
import { gumroadReference } from '../gumroad-references.js';

export function mapRefund({ ping, saleId, sale, event }: SalePing): MappingResult {
  let amount: number;
  const money = gumroadMoney(ping, sale);
  if (sale) {
    if (!sale.refunded && !sale.partiallyRefunded) return ignore(ping, 'not_new_money', `the Sales API shows no refund on sale ${saleId}`);
    if (sale.refunded) {
      amount = money.gross;
    } else {
      if (money.refundable === null) {
        throw new Error(`sale ${saleId} is partly refunded but its refundable amount "${sale.amountRefundableInCurrency ?? ''}" cannot be read in ${money.currency}`);
      }
      amount = Math.min(money.gross, Math.max(0, money.gross - money.refundable));
    }
  } else {
    if (!ping.refunded) {
      return wait(ping, `partial refund of sale ${saleId}: Gumroad's refund ping carries no amount; the connection needs an accessToken (scope view_sales) so the hub can read it from GET /v2/sales/:id`);
    }
    amount = money.gross;
  }
  return records(ping, {
    kind: 'refund',
    order: { reference: gumroadReference.sale(saleId) },
    mode: 'cumulative',
    key: gumroadReference.refundedTotal(saleId),
    amount,
    currency: money.currency,
    status: 'succeeded',
    occurredAt: event.receivedAt,
  });
}

