/** @module The Affiliate object as the API returns it (SPEC §4): enrollments, never the email. */
import { z } from 'zod';
import { hubId, timestamp } from './response-fields.js';

const enrollmentStatus = z.enum(['approved', 'pending', 'rejected']);

export const affiliateSchema = z.strictObject({
  id: hubId('aff'),
  name: z.string(),
  enrollments: z.array(z.strictObject({ campaignId: hubId('camp'), status: enrollmentStatus, updatedAt: timestamp })),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'Affiliate' });

/** The creation answer also names, at the top level, the enrollment the request made. */
export const createdAffiliateSchema = affiliateSchema.extend({ campaignId: hubId('camp'), status: enrollmentStatus }).meta({ id: 'CreatedAffiliate' });

export type AffiliateResponse = z.infer<typeof affiliateSchema>;
