import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HUB_SCRIPT } from '../../src/http/hub-script.js';

/** A browser just big enough for hub.js: location, a cookie jar with document.cookie semantics, the script tag. */
function runInBrowser(url: string, options: { cookieDays?: string; existingCookies?: Record<string, string> } = {}) {
  const jar = new Map<string, string>(Object.entries(options.existingCookies ?? {}));
  const written: string[] = [];
  const document = {
    currentScript: { getAttribute: (name: string) => (name === 'data-cookie-days' ? options.cookieDays ?? null : null) },
    get cookie() {
      return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    },
    set cookie(text: string) {
      written.push(text);
      const [pair = ''] = text.split(';');
      const [name = '', value = ''] = pair.split('=');
      jar.set(name.trim(), value);
    },
  };
  const parsed = new URL(url);
  const window: Record<string, unknown> = { location: { search: parsed.search, protocol: parsed.protocol } };
  runInNewContext(HUB_SCRIPT, { window, document });
  return { hub: window.conversionHub as { visitorId(): string | null; clickId(): string | null }, written };
}

describe('hub.js', () => {
  it('keeps hub_vid and hub_click from the landing URL in first-party cookies', () => {
    const { hub, written } = runInBrowser('https://shop.test/landing?utm=x&hub_vid=vis_abc123&hub_click=clk_def456');
    expect(hub.visitorId()).toBe('vis_abc123');
    expect(hub.clickId()).toBe('clk_def456');
    expect(written).toEqual([
      'hub_vid=vis_abc123; Max-Age=2592000; Path=/; SameSite=Lax; Secure',
      'hub_click=clk_def456; Max-Age=2592000; Path=/; SameSite=Lax; Secure',
    ]);
  });

  it('honours data-cookie-days and plain http', () => {
    const { written } = runInBrowser('http://shop.test/?hub_vid=vis_1', { cookieDays: '7' });
    expect(written).toEqual(['hub_vid=vis_1; Max-Age=604800; Path=/; SameSite=Lax']);
  });

  it('remembers the ids on later pages without parameters', () => {
    const { hub, written } = runInBrowser('https://shop.test/checkout', { existingCookies: { hub_vid: 'vis_old', hub_click: 'clk_old' } });
    expect(written).toEqual([]);
    expect(hub.visitorId()).toBe('vis_old');
    expect(hub.clickId()).toBe('clk_old');
  });

  it('refuses values that are not plain ids', () => {
    const { hub, written } = runInBrowser('https://shop.test/?hub_vid=%3Cscript%3E&hub_click=a%3Bb');
    expect(written).toEqual([]);
    expect(hub.visitorId()).toBeNull();
    expect(hub.clickId()).toBeNull();
  });
});
