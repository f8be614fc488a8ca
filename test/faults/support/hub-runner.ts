/**
 * A hub that the fault suite may kill and restart on the same data dir or database. It keeps the
 * output of every lifetime and tells the exits the test caused (SIGKILL on purpose) from the ones
 * it did not — a crash — which every fault test asserts never happen.
 */
import { HubOutput } from './hub-output.js';
import { startHubProcess, type HubExit, type HubProcess } from './hub-process.js';

export class HubRunner {
  readonly output = new HubOutput();
  readonly #environment: Record<string, string>;
  #current: HubProcess | null = null;
  #starts = 0;
  readonly #killedOnPurpose = new Set<number>();
  readonly #crashes: (HubExit & { pid: number })[] = [];

  constructor(environment: Record<string, string>) {
    this.#environment = environment;
  }

  /** Starts a new process; the previous one, if any, must be gone. */
  async start(): Promise<void> {
    if (this.#current && !this.#current.exit()) throw new Error('the hub is already running');
    this.#starts += 1;
    const hub = await startHubProcess(this.#environment, this.output, { label: `hub #${this.#starts}` });
    void hub.exited.then((exit) => {
      if (!this.#killedOnPurpose.has(hub.pid)) this.#crashes.push({ ...exit, pid: hub.pid });
    });
    this.#current = hub;
  }

  /** SIGKILLs the running process (a crash the test causes on purpose) and waits until it is gone. */
  async kill(): Promise<void> {
    const hub = this.#current;
    if (!hub || hub.exit()) return;
    this.#killedOnPurpose.add(hub.pid);
    this.output.note(`SIGKILL hub ${hub.pid}`);
    await hub.kill();
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** The running hub's base URL (it changes on every restart: each start binds PORT=0). */
  get url(): string {
    if (!this.#current) throw new Error('the hub was never started');
    return this.#current.url;
  }

  isAlive(): boolean {
    return this.#current !== null && this.#current.exit() === null;
  }

  /** Exits nobody asked for, oldest first. */
  crashes(): readonly (HubExit & { pid: number })[] {
    return this.#crashes;
  }

  /** For failure messages: the crashes, the lines about escaped errors, and the output's tail. */
  report(): string {
    const crashes = this.#crashes.map((crash) => `pid ${crash.pid}: code ${crash.code}, signal ${crash.signal}`).join('; ') || 'none';
    const escaped = this.output.escapedErrorLines();
    return [`crashes: ${crashes}`, `unhandled/uncaught lines: ${escaped.length}`, ...escaped.slice(0, 5), '--- output tail ---', this.output.tail().slice(-6_000)].join('\n');
  }

  /** Cleanup: SIGKILL whatever still runs. */
  async stop(): Promise<void> {
    await this.kill();
  }
}
