import { SILENCE_AUTHOR, type Silence, type SilenceMatcher } from './build-silences.js';

/** Alertmanager refused or could not be reached; the message names the URL. */
export class AlertmanagerApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertmanagerApiError';
  }
}

/** What happened to one silence. */
export interface AppliedSilence {
  readonly id: string;
  /** `false` when an identical active or pending silence already existed. */
  readonly created: boolean;
  readonly silence: Silence;
}

interface ExistingSilence extends Silence {
  readonly id: string;
  readonly status: { readonly state: 'active' | 'pending' | 'expired' };
}

function key(matchers: readonly SilenceMatcher[]): string {
  return JSON.stringify(
    [...matchers]
      .map((m) => [m.name, m.value, m.isRegex, m.isEqual ?? true])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}

// Alertmanager moves a past startsAt to the moment the silence is created, so an existing
// silence is recognised by its matchers, end and comment.
function same(a: Silence, b: Silence): boolean {
  return (
    key(a.matchers) === key(b.matchers) &&
    Date.parse(a.endsAt) === Date.parse(b.endsAt) &&
    a.comment === b.comment
  );
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new AlertmanagerApiError(`cannot reach Alertmanager at ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new AlertmanagerApiError(`${url} answered ${response.status}: ${text.trim()}`);
  return JSON.parse(text) as T;
}

/**
 * Creates the silences through the Alertmanager API v2, skipping any that an identical active or
 * pending silence by {@link SILENCE_AUTHOR} already covers (or that this run already created), so
 * running it again, e.g. daily from a CronJob over a 7-day horizon, never duplicates one.
 */
export async function applySilences(
  baseUrl: string,
  silences: readonly Silence[],
): Promise<AppliedSilence[]> {
  const base = baseUrl.replace(/\/$/, '');
  const existing = (await call<ExistingSilence[]>(`${base}/api/v2/silences`)).filter(
    (s) => s.createdBy === SILENCE_AUTHOR && s.status.state !== 'expired',
  );
  const applied: AppliedSilence[] = [];
  for (const silence of silences) {
    const found = existing.find((s) => same(s, silence));
    if (found) {
      applied.push({ id: found.id, created: false, silence });
      continue;
    }
    const { silenceID } = await call<{ silenceID: string }>(`${base}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(silence),
    });
    applied.push({ id: silenceID, created: true, silence });
    // The same silence twice in one run (two schedules meeting) is created once.
    existing.push({ ...silence, id: silenceID, status: { state: 'pending' } });
  }
  return applied;
}
