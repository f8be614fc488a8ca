/**
 * @module Where each processor carries the hub's attribution (`visitor_id`, `click_id`,
 * `program_id`), as a merchant following the docs puts it there: Stripe metadata and
 * `client_reference_id`, Paddle `custom_data`, Lemon Squeezy `meta.custom_data`, WooCommerce order
 * `meta_data`, Gumroad `url_params`, GoPay `additional_params`. A key given a value is set; a key
 * without one is removed, so a fixture's made-up ids never reach the hub.
 */
import type { ProviderId } from '../../contract/providers.js';

export interface Attribution {
  visitorId?: string | undefined;
  clickId?: string | undefined;
  programId?: string | undefined;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function entries(attribution: Attribution): [string, string | undefined][] {
  return [['visitor_id', attribution.visitorId], ['click_id', attribution.clickId], ['program_id', attribution.programId]];
}

/** The record with the hub's keys replaced by `attribution`'s (absent ones removed). */
function applied(record: Json, attribution: Attribution): Json {
  const next = { ...record };
  for (const [key, value] of entries(attribution)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next;
}

function attributeStripe(event: Json, attribution: Attribution): void {
  const object = (event.data as Json | undefined)?.object;
  if (!isObject(object)) return;
  if (isObject(object.metadata)) object.metadata = applied(object.metadata, attribution);
  if ('client_reference_id' in object) object.client_reference_id = attribution.clickId ?? null;
  const parent = object.parent as { subscription_details?: Json } | null | undefined;
  if (isObject(parent?.subscription_details?.metadata)) parent.subscription_details.metadata = applied(parent.subscription_details.metadata, attribution);
  if (isObject(object.subscription_details) && isObject(object.subscription_details.metadata)) {
    object.subscription_details.metadata = applied(object.subscription_details.metadata, attribution);
  }
  const lines = isObject(object.lines) && Array.isArray(object.lines.data) ? object.lines.data : [];
  for (const line of lines) if (isObject(line) && isObject(line.metadata) && Object.keys(line.metadata).length > 0) line.metadata = applied(line.metadata, attribution);
}

function attributeWooCommerce(order: Json, attribution: Attribution): void {
  const hubKeys = new Set(entries(attribution).flatMap(([key]) => [key, `_hub_${key}`, `hub_${key}`]));
  const kept = (Array.isArray(order.meta_data) ? order.meta_data as unknown[] : []).filter((entry) => !(isObject(entry) && hubKeys.has(String(entry.key))));
  order.meta_data = [...kept, ...entries(attribution).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value }]))];
}

function attributeGumroad(ping: Json, attribution: Attribution): void {
  for (const [key, value] of entries(attribution)) {
    if (value === undefined) delete ping[`url_params[${key}]`];
    else ping[`url_params[${key}]`] = value;
  }
}

function attributeGoPay(payment: Json, attribution: Attribution): void {
  const others = (Array.isArray(payment.additional_params) ? payment.additional_params as unknown[] : [])
    .filter((entry) => !(isObject(entry) && entries(attribution).some(([key]) => key === entry.name)));
  payment.additional_params = [...others, ...entries(attribution).flatMap(([name, value]) => (value === undefined ? [] : [{ name, value }]))];
}

/** Puts `attribution` into the delivery (changed in place) where `provider` carries it. */
export function attributeDelivery(provider: ProviderId, delivery: Json, attribution: Attribution): void {
  switch (provider) {
    case 'stripe':
      attributeStripe(delivery, attribution);
      return;
    case 'paddle': {
      const data = delivery.data as Json;
      const customData = applied(isObject(data.custom_data) ? data.custom_data : {}, attribution);
      data.custom_data = Object.keys(customData).length > 0 ? customData : null;
      return;
    }
    case 'lemonsqueezy': {
      const meta = delivery.meta as Json;
      meta.custom_data = applied(isObject(meta.custom_data) ? meta.custom_data : {}, attribution);
      return;
    }
    case 'woocommerce':
      attributeWooCommerce(delivery, attribution);
      return;
    case 'gumroad':
      attributeGumroad(delivery, attribution);
      return;
    case 'gopay':
      attributeGoPay(delivery, attribution);
      return;
  }
}

/** Marks the delivery as the processor's test mode (or live), for processors whose deliveries say so. */
export function setDeliveryMode(provider: ProviderId, delivery: Json, mode: 'live' | 'test'): void {
  if (provider === 'stripe') {
    delivery.livemode = mode === 'live';
    const object = (delivery.data as Json | undefined)?.object;
    if (isObject(object) && 'livemode' in object) object.livemode = mode === 'live';
  }
  if (provider === 'lemonsqueezy') {
    (delivery.meta as Json).test_mode = mode === 'test';
    const attributes = (delivery.data as Json | undefined)?.attributes;
    if (isObject(attributes) && 'test_mode' in attributes) attributes.test_mode = mode === 'test';
  }
}
