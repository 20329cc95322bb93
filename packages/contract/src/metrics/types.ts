/** Prometheus metric types used by the contract. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * One label of a contract metric.
 *
 * A label is bounded in exactly one way: a fixed `values` list, an `allowList` key of the lab
 * settings (values outside it are recorded as {@link OTHER_LABEL_VALUE}), or a `boundedBy`
 * explanation for values the toolkit normalises itself (route templates, status codes).
 */
export interface LabelDefinition {
  /** Prometheus label name. */
  readonly name: string;
  /** What the label means, for docs and the JSON export. */
  readonly description: string;
  /** The complete set of values this label may take, when fixed by the contract. */
  readonly values?: readonly string[];
  /** Key under `allow_lists` in the lab settings that bounds this label's values. */
  readonly allowList?: string;
  /** How the value set is bounded when neither `values` nor `allowList` applies. */
  readonly boundedBy?: string;
  /**
   * `true` when the label is only on the series when the service configures it (e.g.
   * `tracseq_tenant`); queries and rules must not require it.
   */
  readonly optional?: boolean;
}

/** One metric of the TracSeq metric contract. */
export interface MetricDefinition {
  /** Prometheus metric family name (histograms without `_bucket`/`_sum`/`_count`). */
  readonly name: string;
  readonly type: MetricType;
  /** HELP text. */
  readonly help: string;
  /** Base unit when the name carries one (`seconds`, `celsius`, `slots`). */
  readonly unit?: string;
  /** Labels besides the `service` label that every series carries. */
  readonly labels: readonly LabelDefinition[];
  /** Histogram bucket upper bounds, ascending, without `+Inf`. */
  readonly buckets?: readonly number[];
}
