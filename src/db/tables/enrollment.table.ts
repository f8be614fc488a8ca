/** @module The `enrollment` table: an affiliate's standing in one campaign. */
import type { Generated, Insertable, Selectable } from 'kysely';

export type EnrollmentStatus = 'approved' | 'pending' | 'rejected';

export interface EnrollmentTable {
  merchant_id: string;
  affiliate_id: string;
  campaign_id: string;
  status: EnrollmentStatus;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Enrollment = Selectable<EnrollmentTable>;
export type NewEnrollment = Insertable<EnrollmentTable>;
