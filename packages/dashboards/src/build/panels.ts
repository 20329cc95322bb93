import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  LineInterpolation,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardLinkBuilder,
  type DataTransformerConfig,
  type DynamicConfigValue,
  type MatcherConfig,
  type Panel,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugePanel } from '@grafana/grafana-foundation-sdk/gauge';
import {
  DataqueryBuilder,
  PromQueryFormat,
  QueryEditorMode,
} from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel and query reads the data source chosen in the `datasource` variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
export const DATASOURCE_REF = { type: 'prometheus', uid: '${datasource}' } as const;

/** One PromQL target of a panel. */
export interface QuerySpec {
  readonly expr: string;
  /** Legend template, e.g. `{{http_route}}`. */
  readonly legend?: string;
  /** Instant query (stat, gauge, table), rather than a range query. */
  readonly instant?: boolean;
  /** Table format: labels become columns. */
  readonly table?: boolean;
}

/** One threshold step; the first step's value is `null` (the base colour). */
export interface ThresholdStep {
  readonly value: number | null;
  readonly color: string;
}

/** Visualisations the dashboards use. */
export type PanelKind = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table' | 'state-timeline';

/** A panel as the dashboard modules describe it; {@link buildPanel} turns it into SDK builders. */
export interface PanelSpec {
  /** Stable id: alerts, links and muscle memory point at panels by id, so ids never move. */
  readonly id: number;
  readonly kind: PanelKind;
  readonly title: string;
  /** What the panel shows and how to read it at 3 a.m. */
  readonly description: string;
  /** Grafana unit id (`reqps`, `percentunit`, `s`, `suffix:/h`, ...). */
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  /** Grid width (of 24) and height. */
  readonly width: number;
  readonly height?: number;
  readonly thresholds?: readonly ThresholdStep[];
  /** Draw the thresholds on time series as dashed lines (targets, limits). */
  readonly thresholdLines?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  /** Text shown when the query has no result, where "nothing" has a meaning (e.g. "none open"). */
  readonly noValue?: string;
  readonly stacked?: boolean;
  readonly mappings?: readonly ValueMapping[];
  readonly transformations?: readonly DataTransformerConfig[];
  readonly overrides?: readonly { matcher: MatcherConfig; properties: DynamicConfigValue[] }[];
  readonly links?: readonly { readonly title: string; readonly url: string }[];
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(query: QuerySpec, index: number): Builder<Dataquery> {
  const refId = REF_IDS[index];
  if (refId === undefined) throw new Error('a panel holds at most 26 queries');
  const builder = new DataqueryBuilder()
    .datasource(DATASOURCE_REF)
    .editorMode(QueryEditorMode.Code)
    .expr(query.expr)
    .refId(refId)
    .legendFormat(query.legend ?? '__auto');
  if (query.instant) builder.instant();
  else builder.range();
  if (query.table) builder.format(PromQueryFormat.Table);
  return builder;
}

function thresholds(steps: readonly ThresholdStep[] | undefined): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([...(steps ?? [{ value: null, color: 'green' }])]);
}

type AnyPanelBuilder =
  | TimeseriesPanel
  | StatPanel
  | GaugePanel
  | BarGaugePanel
  | TablePanel
  | StateTimelinePanel;

function create(spec: PanelSpec): AnyPanelBuilder {
  switch (spec.kind) {
    case 'timeseries': {
      const panel = new TimeseriesPanel()
        .legend(
          new VizLegendOptionsBuilder()
            .displayMode(LegendDisplayMode.Table)
            .placement(LegendPlacement.Bottom)
            .showLegend(true)
            .calcs(['lastNotNull', 'max']),
        )
        .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
        .lineInterpolation(LineInterpolation.Linear)
        .lineWidth(1)
        .fillOpacity(spec.stacked ? 30 : 10)
        .spanNulls(false);
      if (spec.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
      if (spec.thresholdLines) {
        panel.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
      }
      return panel;
    }
    case 'stat':
      return new StatPanel()
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .graphMode(BigValueGraphMode.Area)
        .colorMode(BigValueColorMode.Value)
        .textMode(BigValueTextMode.Auto);
    case 'gauge':
      return new GaugePanel()
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .showThresholdMarkers(true);
    case 'bargauge':
      return new BarGaugePanel()
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .displayMode(BarGaugeDisplayMode.Gradient)
        .orientation(VizOrientation.Horizontal)
        .showUnfilled(true);
    case 'table':
      return new TablePanel().showHeader(true).filterable(false);
    case 'state-timeline':
      return new StateTimelinePanel()
        .showValue(VisibilityMode.Never)
        .mergeValues(true)
        .legend(
          new VizLegendOptionsBuilder()
            .displayMode(LegendDisplayMode.List)
            .placement(LegendPlacement.Bottom)
            .showLegend(true),
        );
  }
}

/** Builds one panel: common field config, targets on the `datasource` variable, grid size. */
export function buildPanel(spec: PanelSpec): Builder<Panel> {
  const panel = create(spec)
    .id(spec.id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE_REF)
    .unit(spec.unit)
    .thresholds(thresholds(spec.thresholds))
    .span(spec.width)
    .height(spec.height ?? 8)
    .targets(spec.queries.map(target));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.noValue !== undefined) panel.noValue(spec.noValue);
  if (spec.mappings) panel.mappings([...spec.mappings]);
  if (spec.transformations) panel.transformations([...spec.transformations]);
  if (spec.overrides) panel.overrides(spec.overrides.map((o) => ({ ...o })));
  if (spec.links) {
    panel.links(spec.links.map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(false)));
  }
  return panel as unknown as Builder<Panel>;
}
