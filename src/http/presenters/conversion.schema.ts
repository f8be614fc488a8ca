/**
 * @module The Conversion object (SPEC §5) as the API returns it and outbound webhooks carry it.
 * Its presenter is the engine's `presentConversion` (outbound events need it too); the type check
 * at the bottom keeps the two in step.
 */
import { z } from 'zod';
import type { ConversionView } from '../../engine/outbound/conversion-view.js';
import { hubId, money, timestamp } from './response-fields.js';

export const adjustmentSchema = z.strictObject({
  type: z.enum(['commission', 'refund', 'chargeback', 'chargeback_won', 'clawback', 'rejection', 'manual']),
  commissionDelta: money,
  amount: money,
  reference: z.string(),
  reason: z.string().nullable(),
  createdAt: timestamp,
}).meta({ id: 'Adjustment', description: 'One line of the append-only commission ledger.' });

export const conversionSchema = z.strictObject({
  id: hubId('conv'),
  campaignId: hubId('camp'),
  affiliateId: hubId('aff'),
  clickId: z.string().nullable(),
  visitorId: z.string().nullable(),
  source: z.enum(['api', 'postback', 'stripe', 'paddle', 'lemonsqueezy', 'gumroad', 'gopay', 'woocommerce']),
  orderId: z.string(),
  conversionType: z.enum(['one_time', 'subscription', 'recurring']),
  eventType: z.enum(['sale', 'lead', 'signup', 'trial']),
  currency: z.string().length(3),
  amount: money.meta({ description: 'Gross amount of the sale.' }),
  netAmount: money,
  taxAmount: money,
  shippingAmount: money,
  discountAmount: money,
  refundedAmount: money,
  commission: money.meta({ description: 'Always the sum of `adjustments[].commissionDelta`.' }),
  status: z.enum(['pending', 'approved', 'paid', 'rejected', 'reversed']),
  statusReason: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: timestamp.meta({ description: 'When the sale happened.' }),
  updatedAt: timestamp,
  adjustments: z.array(adjustmentSchema),
}).meta({ id: 'Conversion' });

export type ConversionResponse = z.infer<typeof conversionSchema>;

// Compile-time only: the engine's view must be assignable to the published schema's type.
const _viewMatchesSchema = (view: ConversionView): ConversionResponse => view;
