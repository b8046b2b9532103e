/**
 * Wall clock with an adjustable offset, so tests can move the sandbox forward (token expiry,
 * refresh-token rotation windows) without sleeping. All sandbox time reads go through this.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get currentOffsetMs(): number {
    return this.offsetMs;
  }
}
