/**
 * @module Disputes: `charge.dispute.closed` (lost → chargeback, won → chargeback won), and the funds
 * events (`funds_withdrawn` reverses at once, `funds_reinstated` restores). Inquiries and early
 * fraud warnings (`warning_*`) move no money and change nothing.
 */
import type { MappingResult } from '../../../src/contract/canonical-records.js';
import { disputeSchema, type StripeEvent } from '../stripe-schema.js';
import { paymentLocator } from '../stripe-references.js';
import { ignore, occurredAt, records } from '../stripe-mapping.js';

export function mapDispute(event: StripeEvent): MappingResult {
  const dispute = disputeSchema.parse(event.data.object);
  const lost = event.type === 'charge.dispute.funds_withdrawn' || (event.type === 'charge.dispute.closed' && dispute.status === 'lost');
  const won = event.type === 'charge.dispute.funds_reinstated' || (event.type === 'charge.dispute.closed' && dispute.status === 'won');
  if (!lost && !won) return ignore(event, 'irrelevant_event', `dispute ${dispute.id} closed as ${dispute.status}: no money moved`);
  return records(event, {
    kind: lost ? 'chargeback' : 'chargeback_won',
    order: paymentLocator(dispute.payment_intent, dispute.charge),
    disputeKey: dispute.id,
    occurredAt: occurredAt(event),
  });
}
