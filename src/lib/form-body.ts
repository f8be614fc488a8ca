/**
 * @module `application/x-www-form-urlencoded` bodies with Rails-style nested keys
 * (`url_params[visitor_id]=…`, `variants[Size]=L`), parsed from the raw bytes.
 */

/** Keys nested deeper than this (`a[b][c]…`) are kept flat under their whole name: real forms nest two or three levels, and a deeper result would overflow whatever walks it recursively. */
export const MAX_FORM_KEY_DEPTH = 16;

export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Flat pairs in wire order. */
export function parseFormPairs(raw: Buffer | string): [string, string][] {
  const params = new URLSearchParams(typeof raw === 'string' ? raw : raw.toString('utf8'));
  return [...params.entries()];
}

/** Nested object: `a[b][c]=1` → `{a: {b: {c: "1"}}}`; `a[]=1&a[]=2` keeps the last value under key "". */
export function parseNestedForm(raw: Buffer | string): FormObject {
  const root: FormObject = {};
  for (const [name, value] of parseFormPairs(raw)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!match) {
      root[name] = value;
      continue;
    }
    const path = [match[1] ?? name, ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? '')];
    if (path.length > MAX_FORM_KEY_DEPTH) {
      root[name] = value;
      continue;
    }
    let node: FormObject = root;
    path.forEach((segment, index) => {
      if (index === path.length - 1) {
        node[segment] = value;
        return;
      }
      const next = node[segment];
      if (typeof next === 'object') {
        node = next;
      } else {
        const created: FormObject = {};
        node[segment] = created;
        node = created;
      }
    });
  }
  return root;
}
