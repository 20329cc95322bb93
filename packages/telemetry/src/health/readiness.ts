/** Result of one health check. */
export interface CheckResult {
  readonly ok: boolean;
  readonly message?: string;
}

/** A named readiness check; may be async. Throwing counts as failing with the error's message. */
export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

/** Body of `/health/live` and `/health/ready`. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Readonly<Record<string, { ok: boolean; message: string }>>;
}

/** Readiness checks of a service plus its shutdown state. */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  /** Adds or replaces a check; returns a function that removes it. */
  add(name: string, check: ReadinessCheck): () => void {
    this.checks.set(name, check);
    return () => this.checks.delete(name);
  }

  /** Marks the service as shutting down: readiness turns 503 so load balancers stop routing. */
  startDraining(): void {
    this.draining = true;
  }

  /** Whether shutdown has begun. */
  isDraining(): boolean {
    return this.draining;
  }

  /** Runs every check (each bounded by `timeoutMs`) and reports the result. */
  async report(timeoutMs = 2_000): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const result = await Promise.race([
            Promise.resolve().then(check),
            new Promise<CheckResult>((resolve) => {
              timer = setTimeout(
                () => resolve({ ok: false, message: `timed out after ${timeoutMs} ms` }),
                timeoutMs,
              );
            }),
          ]);
          return [
            name,
            { ok: result.ok, message: result.message ?? (result.ok ? 'ok' : 'failing') },
          ] as const;
        } catch (error) {
          return [
            name,
            { ok: false, message: error instanceof Error ? error.message : String(error) },
          ] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks: Record<string, { ok: boolean; message: string }> = Object.fromEntries(entries);
    if (this.draining) checks.shutdown = { ok: false, message: 'shutting down' };
    const ok = Object.values(checks).every((c) => c.ok);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
