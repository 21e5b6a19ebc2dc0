/** Failed sign-ins a login may have within WINDOW_MS before it is refused, right password or not, until the window ends. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
const MAX_TRACKED = 10_000;

/** Per login name as typed (known or not, so the answer tells nothing about which logins exist). */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  blocked(login: string): boolean {
    const entry = this.current(login);
    return entry !== undefined && entry.count >= MAX_FAILURES;
  }

  failed(login: string): void {
    const entry = this.current(login);
    if (entry) entry.count++;
    else {
      if (this.failures.size >= MAX_TRACKED) this.forgetExpired();
      this.failures.set(login, { count: 1, since: this.now() });
    }
  }

  succeeded(login: string): void {
    this.failures.delete(login);
  }

  private current(login: string) {
    const entry = this.failures.get(login);
    if (entry && this.now() - entry.since >= WINDOW_MS) {
      this.failures.delete(login);
      return undefined;
    }
    return entry;
  }

  private forgetExpired(): void {
    for (const login of [...this.failures.keys()]) this.current(login);
    // Still full: the oldest give way rather than memory growing without bound.
    while (this.failures.size >= MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
  }
}
