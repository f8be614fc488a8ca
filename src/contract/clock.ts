/** @module Time as an injected dependency, so tests can move it instead of waiting. */
export interface Clock {
  now(): Date;
}
