// Markdown tables of one run, for bench/results/latest.md and for pasting into BENCHMARKS.md.

const fmt = (value, suffix = '') => (value === null || value === undefined ? '—' : `${value}${suffix}`);
const int = (value) =>
  value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
const row = (cells) => `| ${cells.join(' | ')} |`;

const spread = (values) => (values?.length ? `${Math.min(...values)}–${Math.max(...values)}×` : '—');

// Throughput-equivalent ratio from CPU per request: a scenario that costs twice the CPU per
// request serves half the requests on a saturated core.
function cpuRatio(http, a, b) {
  const cpu = (id) => http.scenarios.find((x) => x.id === id)?.cpuUsPerRequest;
  const value = cpu(b) / cpu(a);
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
}

function table(head, rows) {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

function httpSection(http) {
  const s = http.settings;
  const lines = [
    '## HTTP overhead (`GET /api/samples/:id`, small JSON)',
    '',
    `${s.rounds} round(s) per scenario, interleaved; each: fresh server process, ${s.warmupSeconds} s warm-up, ` +
      `${s.durationSeconds} s measured, ${s.connections} connections, no pipelining. Medians over rounds.`,
    '',
    table(
      [
        'scenario',
        'req/s',
        'vs bare',
        'µs added / req (from req/s)',
        'server CPU µs / req',
        'server core busy',
        'p50 µs',
        'p99 µs',
        'RSS MiB',
        'spans / req',
        'failed',
      ],
      http.scenarios.map((x) => [
        x.label,
        int(x.rps),
        fmt(Math.round((x.rps / http.scenarios[0].rps) * 100) / 100, '×'),
        fmt(x.addedUs),
        fmt(x.cpuUsPerRequest),
        fmt(x.serverCpuPercent, ' %'),
        int(x.p50us),
        int(x.p99us),
        fmt(x.rssMiB),
        fmt(x.spansPerRequest),
        int(x.failed),
      ]),
    ),
    '',
    table(
      [
        'ratio',
        'req/s (medians)',
        'req/s per round (min–max)',
        'server CPU µs / req',
        'DESIGN §9 target (not asserted)',
      ],
      [
        ['ours / bare', 'ourVsBare', 'tracseq', 'bare', `≥ ${http.targets.ourVsBare}×`],
        ['peer / bare', 'peerVsBare', 'peer', 'bare', '—'],
        ['OTel auto / bare', 'otelAutoVsBare', 'otel-auto', 'bare', '—'],
        ['ours / peer', 'ourVsPeer', 'tracseq', 'peer', `≥ ${http.targets.ourVsPeer}×`],
        ['ours / OTel auto', 'ourVsOtelAuto', 'tracseq', 'otel-auto', '—'],
      ].map(([name, key, a, b, target]) => [
        name,
        fmt(http.ratios[key], '×'),
        spread(http.ratiosPerRound?.[key]),
        fmt(cpuRatio(http, a, b), '×'),
        target,
      ]),
    ),
    '',
    'The CPU column is the same ratio from server CPU time per request (bare CPU / scenario CPU). It ' +
      'is less sensitive to a disturbed load generator than req/s, but not immune: a server that is idle ' +
      'part of the time ("server core busy" well below 100 %) handles fewer requests per event-loop ' +
      'wake-up and pays more CPU per request, which penalises the cheapest scenario (bare) most.',
  ];
  const dropped = http.scenarios.find((x) => x.id === 'tracseq')?.spansDropped;
  if (dropped !== null && dropped !== undefined)
    lines.push('', `Spans dropped by @tracseq/telemetry's export queue: ${dropped}.`);
  return lines.join('\n');
}

function breakerSection(b) {
  const direct = b.closed.find((x) => x.id === 'direct').nsPerCall;
  const lines = [
    '## Circuit breaker cost per call',
    '',
    `${b.settings.rounds} rounds × ${b.settings.calls.toLocaleString('en-US')} awaited calls per subject, interleaved, after a warm-up round; median ns per call.`,
    '',
    '### Closed path (the call succeeds)',
    '',
    table(
      ['subject', 'ns / call', 'ns over direct', 'min–max ns'],
      b.closed.map((x) => [
        x.label,
        int(x.nsPerCall),
        int(x.nsPerCall - direct),
        `${int(x.minNs)}–${int(x.maxNs)}`,
      ]),
    ),
    '',
    '### Open path (rejected without running the action)',
    '',
    table(
      ['subject', 'ns / call', 'min–max ns'],
      b.open.map((x) => [x.label, int(x.nsPerCall), `${int(x.minNs)}–${int(x.maxNs)}`]),
    ),
    '',
    table(
      ['ratio (ns per call)', 'measured', 'target (not asserted)'],
      [
        [
          'closed: LabBreaker + metrics / raw opossum',
          fmt(b.ratios.closedOursVsOpossum, '×'),
          `≤ ${b.target.closedOursVsOpossum}×`,
        ],
        [
          'closed: LabBreaker, no observers / raw opossum',
          fmt(b.ratios.closedOursNoObserversVsOpossum, '×'),
          '—',
        ],
        ['open: LabBreaker + metrics / raw opossum', fmt(b.ratios.openOursVsOpossum, '×'), '—'],
      ],
    ),
  ];
  if (b.memory) {
    lines.push(
      '',
      `### Heap per breaker (${b.memory.count.toLocaleString('en-US')} created, after GC)`,
      '',
      table(
        ['breaker', 'bytes / breaker'],
        [
          ['raw opossum', int(b.memory.opossum)],
          ['LabBreaker, no observers', int(b.memory.lab)],
          ['LabBreaker + contract metrics (incl. its 5 state series)', int(b.memory.labMetrics)],
        ],
      ),
    );
  } else {
    lines.push('', 'Heap per breaker: not measured (no --expose-gc).');
  }
  return lines.join('\n');
}

function scrapeSection(s) {
  return [
    '## Scrape cost (`registry.metrics()`)',
    '',
    `Median of ${s.runs} renders after 5 warm-up renders; HTTP histogram series with exemplars, plus the default process metrics.`,
    '',
    table(
      [
        'label sets',
        'shape',
        'Prometheus text ms',
        'size KiB',
        'OpenMetrics ms',
        'size KiB',
        'plain prom-client text ms',
      ],
      s.results.map((x) => [
        int(x.labelSets),
        x.shape,
        fmt(x.prometheusText.medianMs),
        fmt(Math.round(x.prometheusText.bytes / 1024)),
        fmt(x.openMetrics.medianMs),
        fmt(Math.round(x.openMetrics.bytes / 1024)),
        fmt(x.plainPromClientText.medianMs),
      ]),
    ),
  ].join('\n');
}

function machineSection(r) {
  const m = r.machine;
  const pkgs = Object.entries(m.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `Run: ${r.date} · mode \`${r.mode}\` · \`${r.command}\` · ${r.durationSeconds} s`,
    '',
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${r.placement}.`,
    '',
    `Packages: ${pkgs}.`,
    ...(r.build
      ? [
          '',
          `Build measured: commit ${r.build.commit}, ${r.build.uncommittedFilesInPackages ?? '?'} uncommitted file(s) ` +
            `under packages/telemetry and packages/circuit-breaker, dist hash ${r.build.distHashAtStart}` +
            (r.build.distHashAtEnd && r.build.distHashAtEnd !== r.build.distHashAtStart
              ? ` → ${r.build.distHashAtEnd} (REBUILT DURING THE RUN: the tables mix two builds)`
              : ' (unchanged during the run)') +
            '.',
        ]
      : []),
    ...(r.neighbours
      ? [
          '',
          `Other processes on the machine used ${r.neighbours.coreSeconds} core-seconds during the run ` +
            `(${r.neighbours.averageCores} cores on average of ${m.nproc}); well above 0 means the numbers are disturbed.`,
        ]
      : []),
  ].join('\n');
}

/** The whole report as markdown. */
export function renderMarkdown(results) {
  const parts = [machineSection(results)];
  if (results.mode === 'quick')
    parts.push('> Quick mode: short runs for CI; the numbers are indicative only.');
  if (results.http) parts.push(httpSection(results.http));
  if (results.breaker) parts.push(breakerSection(results.breaker));
  if (results.scrape) parts.push(scrapeSection(results.scrape));
  return `${parts.join('\n\n')}\n`;
}
