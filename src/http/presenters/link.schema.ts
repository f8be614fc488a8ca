/** @module The Link and Click objects as the API returns them (SPEC §4). */
import { z } from 'zod';
import { hubId, timestamp } from './response-fields.js';

export const linkSchema = z.strictObject({
  id: hubId('lnk'),
  code: z.string(),
  url: z.url().meta({ description: '`HUB_PUBLIC_URL/r/<code>`: the URL the affiliate shares.' }),
  campaignId: hubId('camp'),
  affiliateId: hubId('aff'),
  destinationUrl: z.url(),
  createdAt: timestamp,
}).meta({ id: 'Link' });

export const clickSchema = z.strictObject({
  id: hubId('clk'),
  clickId: hubId('clk'),
  visitorId: z.string(),
  campaignId: hubId('camp'),
  affiliateId: hubId('aff'),
  linkCode: z.string().nullable(),
  subIds: z.array(z.string()),
  createdAt: timestamp,
}).meta({ id: 'Click' });

export type LinkResponse = z.infer<typeof linkSchema>;
export type ClickResponse = z.infer<typeof clickSchema>;
