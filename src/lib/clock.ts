/** @module Clocks: the system's, and one tests move by hand. The `Clock` interface is the contract's. */
import type { Clock } from '../contract/clock.js';

export type { Clock };

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
