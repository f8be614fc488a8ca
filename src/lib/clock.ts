/** @module Time as an injected dependency, so tests can move it instead of waiting. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; used by tests and the benchmark harness. */
export class ManualClock implements Clock {
  #current: number;
  constructor(start: Date | number = Date.now()) {
    this.#current = typeof start === 'number' ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.#current);
  }
  advance(milliseconds: number): void {
    this.#current += milliseconds;
  }
  set(time: Date): void {
    this.#current = time.getTime();
  }
}
