/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A Prometheus rule group. */
export interface RuleGroup {
  readonly name: string;
  /**
   * How often the group is evaluated (a Prometheus duration); the ruler's global evaluation
   * interval when absent. promtool ignores it and evaluates every group at the test file's
   * `evaluation_interval`.
   */
  readonly interval?: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** A Prometheus rule file (`groups:`), as loaded by Prometheus, Thanos and Mimir rulers. */
export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}
