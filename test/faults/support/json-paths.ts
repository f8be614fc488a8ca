/**
 * Walking and rewriting a parsed JSON document for the mutation corpus: every place a value sits,
 * and a way to put raw bytes there that `JSON.stringify` could never produce (a raw lone surrogate,
 * invalid UTF-8, a bare NUL, a literal like `1e400`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type PathStep = string | number;

export interface Located {
  path: PathStep[];
  value: Json;
}

/** Every value in the document with its path, parents before children (the root has the empty path). */
export function locateAll(document: Json, limit = 5_000): Located[] {
  const found: Located[] = [];
  const visit = (value: Json, path: PathStep[]) => {
    if (found.length >= limit) return;
    found.push({ path, value });
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(document, []);
  return found;
}

export function clone(document: Json): Json {
  return structuredClone(document);
}

/** Replaces the value at `path` (the root when empty); returns the new document. */
export function setAt(document: Json, path: readonly PathStep[], value: Json): Json {
  if (path.length === 0) return value;
  const parent = containerAt(document, path.slice(0, -1));
  const last = path[path.length - 1] as PathStep;
  if (Array.isArray(parent)) parent[last as number] = value;
  else if (parent && typeof parent === 'object') parent[String(last)] = value;
  return document;
}

/** Removes the value at `path` from its object or array. */
export function removeAt(document: Json, path: readonly PathStep[]): Json {
  if (path.length === 0) return null;
  const parent = containerAt(document, path.slice(0, -1));
  const last = path[path.length - 1] as PathStep;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else if (parent && typeof parent === 'object') delete parent[String(last)];
  return document;
}

function containerAt(document: Json, path: readonly PathStep[]): Json {
  let node: Json = document;
  for (const step of path) {
    if (Array.isArray(node)) node = node[step as number] ?? null;
    else if (node !== null && typeof node === 'object') node = node[String(step)] ?? null;
    else return null;
  }
  return node;
}

const SLOT = '__fault_slot_9c41e2__';

/**
 * The document serialised with the value at `path` replaced by `raw`, byte for byte — how a corpus
 * gets text into a body that no serializer would write.
 */
export function serialiseWithRaw(document: Json, path: readonly PathStep[], raw: Buffer | string): Buffer {
  const text = JSON.stringify(setAt(clone(document), path, SLOT));
  const [before, after] = splitOnce(text, JSON.stringify(SLOT));
  return Buffer.concat([Buffer.from(before, 'utf8'), typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, Buffer.from(after, 'utf8')]);
}

/** The document serialised with `raw` (a `"key":value` text) added as the first member of the object at `path`. */
export function serialiseWithRawMember(document: Json, path: readonly PathStep[], rawMember: string): Buffer {
  const copy = clone(document);
  const target = containerAt(copy, path);
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return Buffer.from(JSON.stringify(copy), 'utf8');
  const members = Object.entries(target);
  for (const key of Object.keys(target)) delete target[key];
  target[SLOT] = 0;
  for (const [key, value] of members) target[key] = value;
  const text = JSON.stringify(copy);
  const [before, after] = splitOnce(text, `${JSON.stringify(SLOT)}:0`);
  // The slot was the first member: whatever followed it (a comma, or the closing brace) still fits.
  return Buffer.from(`${before}${rawMember}${after}`, 'utf8');
}

function splitOnce(text: string, marker: string): [string, string] {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error('slot marker not found in the serialised document');
  return [text.slice(0, at), text.slice(at + marker.length)];
}
