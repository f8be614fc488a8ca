/** @module How GoPay ids are named as order references and fact keys, so ids of different kinds never collide. */

export const gopayReference = {
  payment: (id: number | string) => `gopay:payment:${id}`,
  /** A recurring payment and its children (`parent_id`) share the parent's recurrence key. */
  recurrence: (parentId: number | string) => `gopay:recurrence:${parentId}`,
  /** The key of the cumulative refunded total GoPay reports for one payment. */
  refundedTotal: (id: number | string) => `gopay:refunded:${id}`,
};
