import { formatNumber } from '@tracseq/contract';
import { recoveryCell, reportTitle, spellSeconds } from '../render-report.js';
import type { Report, SloReport } from '../report-model.js';
import { burnDownChart, incidentTimeline, percentText, recoveryChart, sliChart } from './report-charts.js';
import { escapeHtml } from './svg-chart.js';

// Everything is inline (no fonts, stylesheets, scripts or images from anywhere): the page is
// mailed, archived and opened offline, and a report must not phone home.
const STYLE = `
:root{--fg:#1d2430;--muted:#5b6575;--line:#d8dde6;--ok:#1a7f37;--bad:#c62828;--accent:#2457c5;--bg:#fff;--card:#f6f8fb}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0 0 12px}h3{font-size:13px;margin:14px 0 4px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
.sub{color:var(--muted);margin:0 0 20px}
section.slo{border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 24px;max-width:1120px}
.cards{display:grid;grid-template-columns:repeat(6,minmax(0,1fr));gap:10px;margin-bottom:6px}
.card{background:var(--card);border-radius:6px;padding:8px 10px}
.card .k{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}
.card .v.ok{color:var(--ok)}.card .v.bad{color:var(--bad)}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:4px 24px}
.chart{width:100%;height:auto;display:block}
.chart .axis{stroke:#9aa3b2}.chart .tick{stroke:#9aa3b2}.chart .grid{stroke:#eef0f4}
.chart .tick-label,.chart .bar-label{font-size:11px;fill:var(--muted)}
.chart .series{fill:none;stroke:var(--accent);stroke-width:1.8;stroke-linejoin:round}
.chart .area{fill:var(--accent);opacity:.12}
.chart .limit,.chart .objective,.chart .target{stroke:var(--bad);stroke-width:1.2;stroke-dasharray:5 4}
.chart .limit-label,.chart .objective-label,.chart .target-label{font-size:11px;fill:var(--bad)}
.chart .breach{fill:var(--bad)}
.chart .band{fill:var(--card);stroke:var(--line)}
.chart .incident{fill:#e8a33d}.chart .incident.over-target{fill:var(--bad)}
.chart .bar{fill:var(--ok)}.chart .bar.over-target{fill:var(--bad)}.chart .bar.open{opacity:.6}
.chart .empty{font-size:13px;fill:var(--muted)}
#tip{position:fixed;pointer-events:none;background:#1d2430;color:#fff;font-size:12px;padding:4px 8px;border-radius:4px;display:none;white-space:nowrap}
footer{color:var(--muted);font-size:12px;max-width:1120px}
@media (max-width:900px){.charts{grid-template-columns:1fr}.cards{grid-template-columns:repeat(3,1fr)}}
`;

// Hover read-out: each chart carries its points as `data-tips` ([x, text] in SVG units); the
// nearest one to the pointer is shown. The charts are complete without it.
const SCRIPT = `
(() => {
  const tip = document.getElementById('tip');
  for (const chart of document.querySelectorAll('svg.chart[data-tips]')) {
    const tips = JSON.parse(chart.dataset.tips);
    const width = chart.viewBox.baseVal.width;
    chart.addEventListener('mousemove', (event) => {
      const box = chart.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * width;
      let best = tips[0];
      for (const t of tips) if (Math.abs(t[0] - x) < Math.abs(best[0] - x)) best = t;
      tip.textContent = best[1];
      tip.style.display = 'block';
      tip.style.left = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 8) + 'px';
      tip.style.top = event.clientY + 14 + 'px';
    });
    chart.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
  }
})();
`;

function card(key: string, value: string, verdict?: boolean): string {
  const cls = verdict === undefined ? 'v' : verdict ? 'v ok' : 'v bad';
  return `<div class="card"><div class="k">${escapeHtml(key)}</div><div class="${cls}" data-figure="${escapeHtml(key)}">${escapeHtml(value)}</div></div>`;
}

function sloSection(slo: SloReport, report: Report): string {
  const target = spellSeconds(report.recoveryTargetSeconds);
  const cards = [
    card(
      'achieved SLI',
      slo.achievedSli === null ? 'no data' : percentText(slo.achievedSli, 4),
      slo.achievedSli === null ? undefined : slo.achievedSli >= slo.objective,
    ),
    card(
      'budget left',
      slo.budgetRemaining === null ? 'no data' : percentText(slo.budgetRemaining),
      slo.budgetRemaining === null ? undefined : slo.budgetRemaining >= 0,
    ),
    card(
      'worst burn (1h)',
      slo.worstBurn === null ? 'no data' : `${formatNumber(Number(slo.worstBurn.toFixed(2)))}x`,
    ),
    card(
      'page incidents',
      slo.openIncidents > 0 ? `${slo.pageIncidents} (${slo.openIncidents} open)` : String(slo.pageIncidents),
    ),
    card(`time to recover < ${target}`, recoveryCell(slo), slo.recoveryTargetMet),
    card('MTBF', slo.mtbfSeconds === null ? 'n/a' : spellSeconds(slo.mtbfSeconds)),
  ];
  const bucket = slo.timeline ? spellSeconds(slo.timeline.bucketSeconds) : '';
  return `<section class="slo" data-slo="${escapeHtml(`${slo.service}/${slo.slo}`)}">
<h2>${escapeHtml(slo.service)} / ${escapeHtml(slo.slo)} <small class="sub">objective ${escapeHtml(percentText(slo.objective, 4))}, ${escapeHtml(slo.from)} → ${escapeHtml(slo.to)} (${escapeHtml(slo.period)})</small></h2>
<div class="cards">${cards.join('')}</div>
<div class="charts">
<div><h3>Error budget burn-down</h3>${burnDownChart(slo)}</div>
<div><h3>SLI per ${escapeHtml(bucket)} against the objective</h3>${sliChart(slo)}</div>
<div><h3>Page incidents <small>(red: over the ${escapeHtml(target)} target)</small></h3>${incidentTimeline(slo, report.recoveryTargetSeconds)}</div>
<div><h3>Time to recover (target ${escapeHtml(target)})</h3>${recoveryChart(slo, report.recoveryTargetSeconds)}</div>
</div>
</section>`;
}

/**
 * Renders the report as one self-contained HTML page: per SLO the headline figures, the budget
 * burn-down, the SLI against the objective, page incidents on the period's timeline and time to
 * recover against the target. Charts are inline SVG drawn here (deterministic: the same report
 * gives the same bytes); CSS and the small hover script are inline; nothing is fetched.
 */
export function renderReportHtml(report: Report): string {
  const title = reportTitle(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="tracseq-slo report --format html">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${report.slos.length} SLO${report.slos.length === 1 ? '' : 's'}; period end ${escapeHtml(report.at)}; page incidents at ${escapeHtml(spellSeconds(report.stepSeconds))} resolution; recovery target ${escapeHtml(spellSeconds(report.recoveryTargetSeconds))}.</p>
${report.slos.map((slo) => sloSection(slo, report)).join('\n')}
<footer>Achieved SLI: 1 − bad / all events over the period (traffic-weighted). Budget left: 1 − error ratio / (1 − objective), negative when overspent; the burn-down draws it after each bucket against all of the period's events. Worst burn: highest 1h error ratio / (1 − objective). Page incidents: firing SloErrorBudgetBurn alerts with severity critical, overlapping window pairs merged. Time to recover: firing → resolved. MTBF: (period − time in incidents) / incidents.</footer>
<div id="tip" role="status"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
