/** @module JSON parsing that reports failure as a value instead of throwing. */

export type ParseJsonResult = { success: true; value: unknown } | { success: false; error: string };

export function safeParseJson(text: Buffer | string): ParseJsonResult {
  try {
    return { success: true, value: JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) as unknown };
  } catch (error) {
    return { success: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A plain JSON object (not an array or null), or null. */
export function asJsonObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
