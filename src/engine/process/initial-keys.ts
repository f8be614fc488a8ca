/**
 * @module What a batch's records will surely ask for, loaded before the first decision: the orders
 * they name, the references they locate orders by, the clicks and campaigns their hints name, their
 * merchants' webhook subscriptions. Anything else a decision needs it asks for itself (world.ts).
 */
import type { CanonicalRecord } from '../../contract/canonical-records.js';
import { orderSeenReference, type DecisionContext } from './decide/decision.js';
import { clickKey, emptyKeys, key, orderKey, type StateKeys } from './world.js';

function addRecord(keys: StateKeys, context: DecisionContext, record: CanonicalRecord): void {
  const { merchantId } = context;
  const order = (orderId: string) => keys.orders.set(orderKey(merchantId, orderId), { merchantId, orderId });
  const reference = (name: string) => keys.references.set(key(merchantId, name), { merchantId, reference: name });
  const campaign = (campaignId: string) => keys.campaigns.set(key(merchantId, campaignId), { merchantId, campaignId });
  switch (record.kind) {
    case 'purchase':
    case 'renewal': {
      order(record.orderId);
      const { clickId, programId } = record.hints;
      if (clickId) keys.clicks.set(clickKey({ merchantId, clickId, programId }), { merchantId, clickId, programId });
      if (programId) campaign(programId);
      if (!clickId && !programId) campaign(context.defaultCampaignId);
      if (record.kind === 'renewal') {
        for (const binding of [record.subscriptionKey, record.customerKey]) if (binding) reference(binding);
        if (record.subscriptionKey) keys.firstSubscriptionConversions.set(key(merchantId, record.subscriptionKey), { merchantId, subscriptionKey: record.subscriptionKey });
      }
      return;
    }
    case 'refund':
    case 'chargeback':
    case 'chargeback_won':
      if ('orderId' in record.order) {
        order(record.order.orderId);
        reference(orderSeenReference(record.order.orderId));
      } else {
        reference(record.order.reference);
      }
      return;
    case 'link':
      return;
  }
}

export function initialKeys(batch: readonly { context: DecisionContext; records: readonly CanonicalRecord[] }[]): StateKeys {
  const keys = emptyKeys();
  for (const { context, records } of batch) {
    keys.subscriptions.set(context.merchantId, { merchantId: context.merchantId });
    for (const record of records) addRecord(keys, context, record);
  }
  return keys;
}
