/** @module The Campaign object as the API returns it (SPEC §4). */
import { z } from 'zod';
import { hubId, money, timestamp } from './response-fields.js';

export const commissionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('percent'), rate: z.number().meta({ description: 'Percent of the base, up to 2 decimals.' }) }),
  z.strictObject({ type: z.literal('flat'), amount: money }),
  z.strictObject({ type: z.literal('tiered'), tiers: z.array(z.strictObject({ from: z.int(), rate: z.number() })) }),
]).meta({ id: 'Commission' });

export const recurringSchema = z.union([z.null(), z.literal('lifetime'), z.strictObject({ months: z.int() })])
  .meta({ id: 'RecurringRule', description: 'null: renewals earn nothing; {months}: renewals within N months of the first conversion; "lifetime".' });

export const campaignSchema = z.strictObject({
  id: hubId('camp'),
  name: z.string(),
  currency: z.string().length(3),
  commission: commissionSchema,
  commissionBase: z.enum(['net', 'gross']),
  cookieWindowDays: z.int(),
  clockSkewMinutes: z.int(),
  recurring: recurringSchema,
  holdDays: z.int(),
  selfReferral: z.enum(['reject', 'allow']),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'Campaign' });

export type CampaignResponse = z.infer<typeof campaignSchema>;
