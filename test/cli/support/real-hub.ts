/**
 * A real hub for the CLI's end-to-end tests: `node dist/src/cli/start.js` in a child process (as
 * `npm start` runs it) on this vitest project's backend, on loopback, with the fault suite's
 * environment (known admin token, loopback API doubles allowed, the per-key rate limit raised), and
 * a merchant set up as the README's walkthrough sets one up.
 */
import { createServer } from 'node:net';
import { createFaultConnection, createFaultMerchant, type FaultConnection, type FaultMerchant } from '../../faults/support/hub-api.js';
import { createHubStorage, hubEnvironment } from '../../faults/support/hub-environment.js';
import { HubOutput } from '../../faults/support/hub-output.js';
import { startHubProcess } from '../../faults/support/hub-process.js';

export interface RealHub {
  readonly url: string;
  readonly output: HubOutput;
  stop(): Promise<void>;
}

export async function startRealHub(environment: Record<string, string> = {}): Promise<RealHub> {
  const storage = await createHubStorage();
  const output = new HubOutput();
  try {
    const hub = await startHubProcess(hubEnvironment(storage, environment), output);
    return {
      url: hub.url,
      output,
      async stop() {
        await hub.kill();
        await storage.cleanUp();
      },
    };
  } catch (error) {
    await storage.cleanUp();
    throw error;
  }
}

export { createFaultConnection as createConnection, createFaultMerchant as createMerchant, type FaultConnection as Connection, type FaultMerchant as Merchant };

/** A TCP port free right now on loopback (for a GoPay connection's apiBase that `trigger` will serve). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** The environment that points the CLI at `hub` with `key`. */
export function cliEnvironment(hub: Pick<RealHub, 'url'>, key: string): Record<string, string> {
  return { HUB_URL: hub.url, HUB_API_KEY: key };
}
