import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';

/** Retries after the first attempt (the SDK's `RetryingTransport` makes the same number). */
export const MAX_EXPORT_RETRIES = 5;
/** First backoff; each next one is 1.5 times longer, up to {@link MAX_BACKOFF_MS}, ±20 % jitter. */
export const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/**
 * The OTLP retry policy of the SDK's `RetryingTransport` (retryable answers are retried with
 * exponential backoff or `Retry-After`, all within the export's time budget), with one addition:
 * {@link giveUp}. After it, a failed attempt is final and a backoff already waiting ends at once
 * with the failure it was waiting to retry.
 *
 * Why: at shutdown the SDK policy would keep retrying a refused connection for up to the whole
 * export timeout (1 s, 1.5 s, 2.25 s … of backoff), so a service with its collector down sat
 * out its shutdown deadline before exiting. Once the process is going away, a refused attempt is
 * known to have failed: the spans are counted as dropped and shutdown goes on.
 */
export class RetryingExportTransport implements IExporterTransport {
  readonly #transport: IExporterTransport;
  readonly #random: () => number;
  readonly #waiting = new Set<() => void>();
  #givenUp = false;

  constructor(transport: IExporterTransport, random: () => number = Math.random) {
    this.#transport = transport;
    this.#random = random;
  }

  /** Whether {@link giveUp} was called. */
  get givenUp(): boolean {
    return this.#givenUp;
  }

  /** Makes every later failed attempt final and ends the backoffs in progress now. */
  giveUp(): void {
    this.#givenUp = true;
    for (const wake of this.#waiting) wake();
    this.#waiting.clear();
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const deadline = Date.now() + timeoutMillis;
    let result = await this.#transport.send(data, timeoutMillis);
    let backoff = INITIAL_BACKOFF_MS;
    for (let retry = 0; result.status === 'retryable' && retry < MAX_EXPORT_RETRIES; retry++) {
      if (this.#givenUp) break;
      const jittered = backoff * (1 + (this.#random() * 2 - 1) * JITTER);
      const delay = result.retryInMillis ?? Math.min(jittered, MAX_BACKOFF_MS);
      backoff *= BACKOFF_MULTIPLIER;
      if (delay > deadline - Date.now()) break;
      if (!(await this.#sleep(delay))) break;
      result = await this.#transport.send(data, Math.max(1, deadline - Date.now()));
    }
    return result;
  }

  /** Resolves `true` after `ms`, or `false` as soon as {@link giveUp} is called. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#waiting.delete(wake);
        resolve(true);
      }, ms);
      this.#waiting.add(wake);
    });
  }

  shutdown(): void {
    this.giveUp();
    this.#transport.shutdown();
  }
}
