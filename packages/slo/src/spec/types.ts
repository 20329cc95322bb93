/** The `version` of a native SLO spec file. */
export const SPEC_VERSION = 'tracseq.slo/v1';

/** SLI presets bound to the telemetry metric contract. */
export const PRESETS = [
  'http-availability',
  'http-latency',
  'sample-processing-success',
  'sample-turnaround',
] as const;

/** Name of an SLI preset. */
export type PresetName = (typeof PRESETS)[number];

/** Label matchers added to a preset's own; values match exactly. */
export type Selector = Readonly<Record<string, string>>;

/** An SLI from a preset. `thresholdSeconds` applies to the latency presets only. */
export interface PresetSli {
  readonly preset: PresetName;
  readonly selector?: Selector;
  readonly thresholdSeconds?: number;
}

/** An SLI from two PromQL queries with `{{.window}}`; bad events over all events. */
export interface EventsSli {
  readonly events: { readonly errorQuery: string; readonly totalQuery: string };
}

/** An SLI from one PromQL query with `{{.window}}` giving the error ratio directly. */
export interface RawSli {
  readonly raw: { readonly errorRatioQuery: string };
}

/** A latency SLI on any contract histogram: requests slower than `thresholdSeconds` are bad. */
export interface LatencySli {
  readonly latency: {
    readonly metric: string;
    readonly thresholdSeconds: number;
    readonly selector?: Selector;
  };
}

/** How a composite SLI combines its components' error ratios. */
export const COMPOSITE_MODES = ['serial', 'weighted'] as const;

/** `serial` (1 − Π(1 − eᵢ)) or `weighted` (Σ wᵢeᵢ / Σ wᵢ). */
export type CompositeMode = (typeof COMPOSITE_MODES)[number];

/** One step of a journey: another SLO of the run, and its weight in `weighted` mode. */
export interface CompositeComponent {
  /** `<service>/<name>` of an SLO in any spec file given to the command. */
  readonly slo: string;
  /** Weight in `weighted` mode, > 0; not used in `serial` mode. */
  readonly weight?: number;
}

/**
 * A journey SLI over other SLOs: per window (the period included) it combines the components'
 * recorded error ratios of that window. `serial`: the journey fails when any step fails, so
 * 1 − Π(1 − eᵢ), for steps that fail independently; `weighted`: Σ wᵢeᵢ / Σ wᵢ.
 */
export interface CompositeSli {
  readonly composite: {
    readonly mode: CompositeMode;
    readonly components: readonly CompositeComponent[];
  };
}

/** Any SLI the spec accepts. */
export type Sli = PresetSli | EventsSli | RawSli | LatencySli | CompositeSli;

/** One window pair in Sloth's `AlertWindows` spec body. */
export interface AlertWindowSpec {
  readonly errorBudgetPercent: number;
  readonly shortWindow: string;
  readonly longWindow: string;
}

/** Sloth `AlertWindows` `spec` body: overrides the windows derived from the period. */
export interface AlertWindowsSpec {
  readonly sloPeriod?: string;
  readonly page: { readonly quick: AlertWindowSpec; readonly slow: AlertWindowSpec };
  readonly ticket: { readonly quick: AlertWindowSpec; readonly slow: AlertWindowSpec };
}

/** Page or ticket alert settings. */
export interface AlertSeveritySpec {
  readonly enabled?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Alerting settings of one SLO. */
export interface AlertingSpec {
  readonly runbookUrl?: string;
  readonly dashboardUrl?: string;
  /**
   * A window pair's burn alert fires only when its long window holds at least this many
   * events (the SLI's total over the window), so a single error at low traffic cannot page.
   */
  readonly minEvents?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly page?: AlertSeveritySpec;
  readonly ticket?: AlertSeveritySpec;
}

/** Error-budget policy of one SLO: what `tracseq-slo gate` and `SloErrorBudgetLow` enforce. */
export interface PolicySpec {
  /** Percent of the period's error budget that must be left, 0 <= minBudgetLeft < 100. */
  readonly minBudgetLeft: number;
}

/** One SLO. */
export interface SloSpec {
  readonly name: string;
  readonly description?: string;
  /** Percent, 0 < objective < 100. */
  readonly objective: number;
  /** Default `30d`. */
  readonly period?: string;
  readonly sli: Sli;
  readonly alertWindows?: AlertWindowsSpec;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * SLOs (`<service>/<name>`, in any spec file of the run) this one depends on: while one of
   * them pages, Alertmanager inhibits this SLO's page and ticket.
   */
  readonly dependsOn?: readonly string[];
  readonly alerting?: AlertingSpec;
  /** Optional error-budget policy; only SLOs that declare one are gated. */
  readonly policy?: PolicySpec;
}

/** A `tracseq.slo/v1` spec file: the SLOs of one service. */
export interface SloSpecFile {
  readonly $schema?: string;
  readonly version: typeof SPEC_VERSION;
  readonly service: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly slos: readonly SloSpec[];
}

/** Labels the generator owns; specs and importers cannot set them. */
export const RESERVED_LABELS = ['slo', 'service', 'severity', 'long_window', 'short_window'] as const;

/** Labels of the recording rules, also owned by the generator. */
export const RECORDING_LABELS = ['slo_id', 'slo_service', 'slo_name', 'slo_window'] as const;
