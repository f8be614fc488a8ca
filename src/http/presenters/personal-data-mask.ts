/**
 * @module What the event log shows of a raw delivery: buyers' personal data masked. Processors put
 * names, emails, phone numbers, addresses, card details and IPs under a small set of field names
 * (Stripe `customer_details`/`billing_details`/`shipping`/`receipt_email`, Paddle addresses, Lemon
 * Squeezy `user_name`/`user_email`, Gumroad `email`/`full_name`/`card`, WooCommerce
 * `billing`/`shipping`/`customer_ip_address`, GoPay `payer.contact`): those fields, and everything
 * under the ones that hold a whole address or contact, are replaced by "[masked]". Ids, amounts and
 * metadata stay visible: they are what a merchant debugs with.
 */

export const MASKED = '[masked]';

/** Fields whose whole value (an address, a contact, a card) is personal. */
const PERSONAL_BLOCKS = new Set([
  'address', 'billing', 'shipping', 'billing_details', 'shipping_details', 'customer_details', 'contact', 'card', 'payer',
  'billing_address', 'shipping_address', 'shipping_information', 'customer_address',
]);

const PERSONAL_LEAF = [
  /(^|_)(email|email_address|phone|phone_number|ip|ip_address|user_agent)$/,
  /(^|_)(first|last|full|user|customer|cardholder|billing|shipping|buyer|purchaser)_?name$/,
  /^(name_on_card|postal_code|zip|zip_code|street|street_address|city|line1|line2)$/,
];

function isPersonalKey(key: string): boolean {
  const normalised = key.toLowerCase();
  return PERSONAL_BLOCKS.has(normalised) || PERSONAL_LEAF.some((pattern) => pattern.test(normalised));
}

/** A copy with every personal field masked (arrays and objects walked; the input is depth-limited JSON). */
export function maskPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isPersonalKey(key) && item !== null ? MASKED : maskPersonalData(item)]));
}
