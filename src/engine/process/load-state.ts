/**
 * @module Loading what a batch's decisions need, set-based: one statement per kind of state for the
 * whole batch, only for keys not loaded yet. Orders are locked before they are read (sorted, in one
 * statement, so concurrent batches wait for each other instead of deadlocking), and so are merchants
 * before their monthly counts and sums (tiers and caps are read-then-decide). The orders that
 * references resolve to are read in the same round, since whoever asked for a reference will ask for
 * its order next.
 */
import {
  countMonthlyConversions, findAffiliateStandings, findCampaignsWithCaps, findClickContexts, findConversionsByOrders, findFactsByOrders,
  findFirstSubscriptionConversions, findLatestVisitorClicks, findLedgers, findReferences, sumMonthlyCommissions,
} from '../../db/repositories/batch-state.repository.js';
import { lockMerchants, lockOrders } from '../../db/repositories/order-lock.repository.js';
import { findSubscribedEventTypes } from '../../db/repositories/outbound.repository.js';
import type { Executor } from '../../db/database.js';
import type { OrderFact } from '../../db/tables/order-fact.table.js';
import type { OutboundEventType } from '../../db/tables/webhook-endpoint.table.js';
import { BatchView } from './batch-view.js';
import {
  clickKey, emptyKeys, emptySnapshot, key, monthlyCountKey, monthlySumKey, orderKey, StateNeeded, visitorKey, type LedgerLine, type Snapshot, type StateKeys,
} from './world.js';

/** What this transaction has locked already. */
export interface Locks {
  orders: Set<string>;
  merchants: Set<string>;
}

const missing = <T>(wanted: Map<string, T>, loaded: Map<string, unknown>) => [...wanted].filter(([entryKey]) => !loaded.has(entryKey));

export async function loadState(trx: Executor, keys: StateKeys, snapshot: Snapshot, locks: Locks): Promise<void> {
  await loadReferences(trx, keys, snapshot);
  await loadOrders(trx, keys, snapshot, locks);
  await loadClicks(trx, keys, snapshot);
  await loadVisitorClicks(trx, keys, snapshot);
  await loadCampaigns(trx, keys, snapshot);
  await loadAffiliates(trx, keys, snapshot);
  await loadFirstSubscriptionConversions(trx, keys, snapshot);
  await loadMonthlyFigures(trx, keys, snapshot, locks);
  await loadLedgers(trx, keys, snapshot);
  await loadSubscriptions(trx, keys, snapshot);
}

async function loadReferences(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.references, snapshot.references);
  for (const [entryKey] of wanted) snapshot.references.set(entryKey, null);
  for (const found of await findReferences(trx, wanted.map(([, value]) => value))) {
    snapshot.references.set(key(found.merchantId, found.reference), found.orderId);
    keys.orders.set(orderKey(found.merchantId, found.orderId), { merchantId: found.merchantId, orderId: found.orderId });
  }
}

async function loadOrders(trx: Executor, keys: StateKeys, snapshot: Snapshot, locks: Locks): Promise<void> {
  const wanted = missing(keys.orders, snapshot.conversions).map(([, order]) => order);
  if (wanted.length === 0) return;
  await lockOrders(trx, wanted.filter((order) => !locks.orders.has(orderKey(order.merchantId, order.orderId))));
  for (const order of wanted) locks.orders.add(orderKey(order.merchantId, order.orderId));
  for (const order of wanted) {
    snapshot.conversions.set(orderKey(order.merchantId, order.orderId), null);
    snapshot.facts.set(orderKey(order.merchantId, order.orderId), []);
  }
  for (const conversion of await findConversionsByOrders(trx, wanted)) snapshot.conversions.set(orderKey(conversion.merchant_id, conversion.order_id), conversion);
  const facts = new Map<string, OrderFact[]>();
  for (const fact of await findFactsByOrders(trx, wanted)) {
    const entryKey = orderKey(fact.merchant_id, fact.order_id);
    facts.set(entryKey, [...(facts.get(entryKey) ?? []), fact]);
  }
  for (const [entryKey, orderFacts] of facts) snapshot.facts.set(entryKey, orderFacts);
}

async function loadClicks(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.clicks, snapshot.clicks);
  for (const [entryKey] of wanted) snapshot.clicks.set(entryKey, null);
  for (const row of await findClickContexts(trx, wanted.map(([, value]) => value))) {
    snapshot.clicks.set(clickKey(row.wanted), { click: row.click, campaign: row.campaign, cap: row.cap, affiliate: row.affiliate });
  }
}

async function loadVisitorClicks(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.visitorClicks, snapshot.visitorClicks).map(([, window]) => window);
  for (const window of wanted) snapshot.visitorClicks.set(visitorKey(window), null);
  for (const { position, click } of await findLatestVisitorClicks(trx, wanted)) {
    const window = wanted[position];
    if (window) snapshot.visitorClicks.set(visitorKey(window), click);
  }
}

async function loadCampaigns(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.campaigns, snapshot.campaigns);
  for (const [entryKey] of wanted) snapshot.campaigns.set(entryKey, null);
  for (const found of await findCampaignsWithCaps(trx, wanted.map(([, value]) => value))) {
    snapshot.campaigns.set(key(found.campaign.merchant_id, found.campaign.id), found);
  }
}

async function loadAffiliates(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.affiliates, snapshot.affiliates);
  for (const [entryKey] of wanted) snapshot.affiliates.set(entryKey, null);
  for (const { campaignId, affiliate } of await findAffiliateStandings(trx, wanted.map(([, value]) => value))) {
    snapshot.affiliates.set(key(affiliate.merchant_id, affiliate.id, campaignId), affiliate);
  }
}

async function loadFirstSubscriptionConversions(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.firstSubscriptionConversions, snapshot.firstSubscriptionConversions);
  for (const [entryKey] of wanted) snapshot.firstSubscriptionConversions.set(entryKey, null);
  for (const conversion of await findFirstSubscriptionConversions(trx, wanted.map(([, value]) => value))) {
    if (conversion.subscription_id) snapshot.firstSubscriptionConversions.set(key(conversion.merchant_id, conversion.subscription_id), conversion);
  }
}

async function loadMonthlyFigures(trx: Executor, keys: StateKeys, snapshot: Snapshot, locks: Locks): Promise<void> {
  const counts = missing(keys.monthlyCounts, snapshot.monthlyCounts).map(([, value]) => value);
  const sums = missing(keys.monthlySums, snapshot.monthlySums).map(([, value]) => value);
  if (counts.length === 0 && sums.length === 0) return;
  const merchants = [...counts, ...sums].map((item) => item.merchantId).filter((merchantId) => !locks.merchants.has(merchantId));
  await lockMerchants(trx, merchants);
  for (const merchantId of merchants) locks.merchants.add(merchantId);
  (await countMonthlyConversions(trx, counts)).forEach((total, index) => {
    const item = counts[index];
    if (item) snapshot.monthlyCounts.set(monthlyCountKey(item.merchantId, item.campaignId, item.affiliateId, item.month), total);
  });
  (await sumMonthlyCommissions(trx, sums)).forEach((total, index) => {
    const item = sums[index];
    if (item) snapshot.monthlySums.set(monthlySumKey(item.merchantId, item.currency, item.month), total);
  });
}

async function loadLedgers(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.ledgers, snapshot.ledgers);
  const ledgers = new Map<string, LedgerLine[]>(wanted.map(([conversionId]) => [conversionId, []]));
  for (const line of await findLedgers(trx, wanted.map(([, value]) => value))) ledgers.get(line.conversion_id)?.push(line);
  for (const [conversionId, lines] of ledgers) snapshot.ledgers.set(conversionId, lines);
}

async function loadSubscriptions(trx: Executor, keys: StateKeys, snapshot: Snapshot): Promise<void> {
  const wanted = missing(keys.subscriptions, snapshot.subscriptions).map(([merchantId]) => merchantId);
  if (wanted.length === 0) return;
  const subscribed = await findSubscribedEventTypes(trx, wanted);
  for (const merchantId of wanted) snapshot.subscriptions.set(merchantId, (subscribed.get(merchantId) ?? new Set()) as ReadonlySet<OutboundEventType>);
}

/**
 * Runs a decision over loaded state, loading what it asks for until it asks for nothing more. For a
 * single decision outside a batch (the conversions API attributing a sale).
 */
export async function decideWithState<T>(trx: Executor, decide: (view: BatchView) => T, rounds = 6): Promise<T> {
  const snapshot = emptySnapshot();
  const locks: Locks = { orders: new Set(), merchants: new Set() };
  let keys = emptyKeys();
  for (let round = 1; round <= rounds; round += 1) {
    await loadState(trx, keys, snapshot, locks);
    try {
      return decide(new BatchView(snapshot));
    } catch (error) {
      if (!(error instanceof StateNeeded)) throw error;
      keys = error.keys;
    }
  }
  throw new Error(`the decision still needed more state after ${rounds} rounds of loading`);
}
