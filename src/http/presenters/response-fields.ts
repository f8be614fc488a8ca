/**
 * @module zod building blocks of the response schemas (`*.schema.ts` beside each presenter): the
 * schemas the OpenAPI document publishes and the test suite checks every answer against.
 */
import { z } from 'zod';

/** An instant as the API writes it: `Date.toISOString()`, always UTC. */
export const timestamp = z.iso.datetime();

/** A money amount in major units of the object's currency (computed from integer minor units). */
export const money = z.number().meta({ description: 'Major units of the currency (99.99 USD, 1500 JPY, 1.234 KWD).' });

/** An id of the hub's own: an opaque string with a type prefix (`camp_`, `aff_`, `conv_`, …). */
export const hubId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_`)).meta({ description: `Opaque id, \`${prefix}_…\`.` });
