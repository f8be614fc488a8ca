/**
 * @module Reading the hub's attribution keys out of a processor's free-form metadata. Merchants set
 * `visitor_id`, `click_id` and `program_id`; the `hub_`-prefixed (and WooCommerce `_hub_`) forms are
 * accepted too, so the keys never collide with a store's own metadata.
 */

const ID_SHAPE = /^[A-Za-z0-9_.:-]{1,100}$/;

function pick(metadata: Readonly<Record<string, unknown>>, name: string): string | null {
  for (const key of [name, `hub_${name}`, `_hub_${name}`]) {
    const value = metadata[key];
    if (typeof value === 'string' && ID_SHAPE.test(value.trim())) return value.trim();
  }
  return null;
}

export interface AttributionKeys {
  visitorId: string | null;
  clickId: string | null;
  programId: string | null;
}

export function readAttributionKeys(metadata: Readonly<Record<string, unknown>> | null | undefined): AttributionKeys {
  if (!metadata) return { visitorId: null, clickId: null, programId: null };
  return { visitorId: pick(metadata, 'visitor_id'), clickId: pick(metadata, 'click_id'), programId: pick(metadata, 'program_id') };
}

export function hasAttributionKeys(keys: AttributionKeys): boolean {
  return keys.visitorId !== null || keys.clickId !== null || keys.programId !== null;
}

/** A plain id token, or null (for values like Stripe's client_reference_id). */
export function asIdToken(value: unknown): string | null {
  return typeof value === 'string' && ID_SHAPE.test(value.trim()) ? value.trim() : null;
}
