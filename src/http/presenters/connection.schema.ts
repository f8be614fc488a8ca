/** @module The Connection object as the API returns it (SPEC §6): never a secret. */
import { z } from 'zod';
import { PROVIDER_IDS } from '../../contract/providers.js';
import { hubId, timestamp } from './response-fields.js';

export const connectionSchema = z.strictObject({
  id: hubId('con'),
  provider: z.enum(PROVIDER_IDS),
  campaignId: hubId('camp'),
  mode: z.enum(['live', 'test']),
  webhookUrl: z.url().meta({ description: 'The URL to give the processor. A URL token (Gumroad) is in it only in the answer that generated it.' }),
  tokenPrefix: z.string().optional().meta({ description: 'Processors authenticated by a URL token (Gumroad): its first characters.' }),
  previousTokenValidUntil: timestamp.nullable().optional().meta({ description: 'Until when the token replaced by the last rotation is still accepted.' }),
  options: z.record(z.string(), z.unknown()).meta({ description: 'The options that are not secret.' }),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'Connection' });

export type ConnectionResponse = z.infer<typeof connectionSchema>;
