/** @module How Gumroad ids are named as order references and fact keys, so ids of different kinds never collide. */

export const gumroadReference = {
  /** Bound by the sale ping; refunds and disputes of the sale find it through this. */
  sale: (saleId: string) => `gumroad:sale:${saleId}`,
  /** Bound by the first sale of a membership; renewals are attributed through it. */
  subscription: (subscriptionId: string) => `gumroad:subscription:${subscriptionId}`,
  /** The key of the cumulative refunded total of one sale. */
  refundedTotal: (saleId: string) => `gumroad:refunded:${saleId}`,
  /** Gumroad has one dispute per sale. */
  dispute: (saleId: string) => `gumroad:dispute:${saleId}`,
};
