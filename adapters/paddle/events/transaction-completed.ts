/**
 * @module `transaction.completed` and `transaction.paid`: a Paddle sale. The transaction id is the
 * order id; `custom_data` carries the attribution (Paddle copies it from the checkout's transaction
 * to the subscription and from there to every later transaction,
 * https://developer.paddle.com/build/transactions/custom-data/).
 *
 * Paddle announces one paid transaction twice: `transaction.paid` when "payment has been captured
 * successfully, but Paddle hasn't yet fully processed the transaction internally", then
 * `transaction.completed` once it has (https://developer.paddle.com/webhooks/transactions/transaction-paid/).
 * Merchants subscribe to either, or both, so either records the sale and the second finds it
 * recorded under the same transaction id: one conversion whichever arrives, in any order.
 *
 * Which amounts win. What completion adds is payout-side: "Adding information about fees, earnings,
 * and totals for payouts", a `subscription_id` for recurring items and an `invoice_number`
 * (changelog 2023 "transaction.paid event status"). The customer-side totals the hub reads
 * (`grand_total`/`total`, `tax`, `discount`) are computed at billing, before the payment, and the
 * captured payment is `grand_total` — so the gross is the same in both events. Should Paddle still
 * itemise it differently, the completed transaction is the one Paddle calls final: it carries the
 * higher precedence, so the engine re-itemises a sale first recorded from `transaction.paid`
 * (apply-sale.ts `reitemise`, same gross only) and never lets a late `transaction.paid` undo a
 * completed one. A paid transaction of recurring items may not name its subscription yet: it is a
 * subscription's first sale all the same (its items say so), and the completed event binds the
 * subscription to it when it comes (the engine binds references of an order already recorded).
 */
import type { MappingResult, SaleAmounts, SaleRecord } from '../../../src/contract/canonical-records.js';
import { readAttributionKeys } from '../../../src/lib/attribution-keys.js';
import { scaleRounded } from '../../../src/lib/money.js';
import { transactionSchema, type PaddleEvent, type PaddleTransaction } from '../paddle-schema.js';
import { ignore, occurredAt, paddleCurrency, paddleKey, readData, records } from '../paddle-mapping.js';

/** A completed transaction: Paddle's final account of the sale. */
export const TRANSACTION_PRECEDENCE = 2;
/** A paid transaction Paddle has not finished processing: recorded, but out-ranked by its completion. */
export const TRANSACTION_PAID_PRECEDENCE = 1;

const HINT_SOURCE = 'transaction custom_data';

type SaleKind = Pick<SaleRecord, 'kind' | 'conversionType'>;

/**
 * What each origin (https://developer.paddle.com/api-reference/transactions — `origin`) means for
 * commission:
 * - `web` (checkout) and `api` (created through the API) are a customer's first purchase.
 * - `subscription_recurring` is a renewal.
 * - `subscription_charge` (a one-time charge added to a subscription) and `subscription_update`
 *   (the prorated charge of an upgrade) are further money from an existing subscriber: renewals
 *   too, so they follow the campaign's recurring rule and are attributed through the subscription
 *   like any later payment of it — an affiliate paid only for first sales is not paid for them,
 *   one paid for the subscription's lifetime is.
 * - `subscription_payment_method_change` is the transaction Paddle creates when a customer replaces
 *   their card: not a sale, whatever it carries.
 */
function saleKindOf(transaction: PaddleTransaction): SaleKind | 'payment_method_change' | null {
  switch (transaction.origin) {
    case 'web':
    case 'api':
      return { kind: 'purchase', conversionType: transaction.subscription_id || hasRecurringItems(transaction) ? 'subscription' : 'one_time' };
    case 'subscription_recurring':
    case 'subscription_charge':
    case 'subscription_update':
      return { kind: 'renewal', conversionType: 'recurring' };
    case 'subscription_payment_method_change':
      return 'payment_method_change';
    default:
      return null;
  }
}

/** Items priced with a `billing_cycle` start a subscription, named or not yet named by the transaction. */
function hasRecurringItems(transaction: PaddleTransaction): boolean {
  return (transaction.items ?? []).some((item) => item.price?.billing_cycle !== null && item.price?.billing_cycle !== undefined);
}

/**
 * The money charged. Usually `total` (after discount, with tax). When the customer's Paddle balance
 * paid part of it (`credit`, left from an earlier downgrade), `grand_total` is what was charged: that
 * balance was money of an earlier sale, already counted there (Paddle's `credit` adjustments are
 * not reversed by the hub for that reason), so counting `total` would count it twice.
 */
function amountsOf(transaction: PaddleTransaction): SaleAmounts {
  const totals = transaction.details.totals;
  const charged = totals.grand_total ?? totals.total;
  const discount = totals.discount ?? 0;
  if (charged === totals.total) return { gross: totals.total, tax: totals.tax, shipping: 0, discount };
  // Older payloads have no grand_total_tax: the tax inside the charged part, pro rata.
  const tax = totals.grand_total_tax ?? (totals.total === 0 ? 0 : scaleRounded(totals.tax, charged, totals.total));
  return { gross: charged, tax: Math.min(tax, charged), shipping: 0, discount };
}

function paddleIds(transaction: PaddleTransaction): Record<string, unknown> {
  const ids: Record<string, string | null | undefined> = {
    transaction: transaction.id, subscription: transaction.subscription_id, customer: transaction.customer_id,
    invoiceNumber: transaction.invoice_number, origin: transaction.origin,
  };
  return { paddle: Object.fromEntries(Object.entries(ids).filter(([, value]) => typeof value === 'string')) };
}

/** The statuses each event may report a sale in: a `transaction.paid` snapshot says `paid`. */
const SALE_STATUSES: Readonly<Record<string, readonly string[]>> = {
  'transaction.completed': ['completed'],
  'transaction.paid': ['paid', 'completed'],
};

export function mapTransactionSale(event: PaddleEvent): MappingResult {
  const transaction = readData(transactionSchema, event);
  const accepted = SALE_STATUSES[event.event_type] ?? ['completed'];
  if (!accepted.includes(transaction.status)) {
    return ignore('unpaid', `transaction ${transaction.id} is ${transaction.status}, not ${accepted.join(' or ')}`);
  }
  const saleKind = saleKindOf(transaction);
  if (saleKind === null) return ignore('irrelevant_event', `transaction ${transaction.id} has an origin the hub does not count (${transaction.origin})`);
  if (saleKind === 'payment_method_change') {
    return ignore('not_new_money', `transaction ${transaction.id} records a payment method change (origin subscription_payment_method_change), not a sale`);
  }
  const currency = paddleCurrency(transaction.currency_code);
  const amounts = amountsOf(transaction);
  const subscriptionKey = transaction.subscription_id ? paddleKey.subscription(transaction.subscription_id) : null;

  if (amounts.gross === 0) {
    // A free trial's checkout completes a zero transaction that starts the subscription. Nothing is
    // earned, but binding the subscription to it lets the paid renewals that follow find their first
    // sale instead of waiting for one that will never come.
    if (saleKind.kind === 'purchase' && subscriptionKey) {
      return records({ kind: 'link', orderId: transaction.id, references: [subscriptionKey] });
    }
    return ignore('unpaid', `transaction ${transaction.id} charged nothing (free, trial or paid from the customer's balance)`);
  }

  return records({
    kind: saleKind.kind,
    orderId: transaction.id,
    occurredAt: occurredAt(event),
    currency,
    amounts,
    amountsPrecedence: transaction.status === 'completed' ? TRANSACTION_PRECEDENCE : TRANSACTION_PAID_PRECEDENCE,
    conversionType: saleKind.conversionType,
    hints: { ...readAttributionKeys(transaction.custom_data), source: HINT_SOURCE },
    subscriptionKey,
    customerKey: transaction.customer_id ? paddleKey.customer(transaction.customer_id) : null,
    references: [],
    // Paddle sends the customer's id, never their email, with a transaction.
    customerEmail: null,
    customerId: transaction.customer_id ?? null,
    metadata: paddleIds(transaction),
  });
}
