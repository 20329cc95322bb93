// Markdown tables of one run, for bench/results/latest.md and for pasting into BENCHMARKS.md.

const fmt = (value, suffix = '') => (value === null || value === undefined ? '—' : `${value}${suffix}`);
const int = (value) =>
  value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
const row = (cells) => `| ${cells.join(' | ')} |`;

/** `main · V8 helpers · worker threads` µs per request (see lib/thread-cpu.mjs). */
const threads = (t) => (t ? `${fmt(t.main)} · ${fmt(t.v8)} · ${fmt(t.workers)}` : '—');

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
        'of it: main · V8 helpers · workers',
        'server core busy',
        'p50 µs',
        'p99 µs',
        'RSS MiB',
        'spans / req',
        'stdout bytes / req',
        'failed',
      ],
      http.scenarios.map((x) => [
        x.label,
        int(x.rps),
        fmt(Math.round((x.rps / http.scenarios[0].rps) * 100) / 100, '×'),
        fmt(x.addedUs),
        fmt(x.cpuUsPerRequest),
        threads(x.threadsUsPerRequest),
        fmt(x.serverCpuPercent, ' %'),
        int(x.p50us),
        int(x.p99us),
        fmt(x.rssMiB),
        fmt(x.spansPerRequest),
        fmt(x.stdoutBytesPerRequest),
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
        ['ours / bare (stdout to a file)', 'ourVsBare', 'tracseq', 'bare', `≥ ${http.targets.ourVsBare}×`],
        [
          'ours / bare (stdout to a drained pipe)',
          'ourPipeVsBare',
          'tracseq-pipe',
          'bare',
          `≥ ${http.targets.ourVsBare}×`,
        ],
        ['hand-wired lean / bare', 'handVsBare', 'hand', 'bare', '—'],
        ['peer / bare', 'peerVsBare', 'peer', 'bare', '—'],
        ['OTel auto / bare', 'otelAutoVsBare', 'otel-auto', 'bare', '—'],
        ['ours / hand-wired lean', 'ourVsHand', 'tracseq', 'hand', '—'],
        ['ours / peer', 'ourVsPeer', 'tracseq', 'peer', `≥ ${http.targets.ourVsPeer}×`],
        ['ours / OTel auto', 'ourVsOtelAuto', 'tracseq', 'otel-auto', '—'],
      ]
        .filter(([, key]) => http.ratios[key] !== undefined)
        .map(([name, key, a, b, target]) => [
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
      'wake-up and pays more CPU per request, which penalises the cheapest scenario (bare) most. ' +
      '"of it" splits that CPU by thread (Linux schedstat): the main thread, V8\'s helper threads ' +
      '(background compilers, GC helpers) and worker threads (our span export worker); all share the ' +
      "server's one core.",
  ];
  if (http.paired) lines.push('', ...pairedLines(http.paired, http.targets));
  const dropped = http.scenarios.find((x) => x.id === 'tracseq')?.spansDropped;
  if (dropped !== null && dropped !== undefined)
    lines.push('', `Spans dropped by @tracseq/telemetry's export queue: ${dropped}.`);
  return lines.join('\n');
}

/** The steady state measured paired (bench/http/paired-load.mjs). */
function pairedLines(p, targets) {
  const perRound = (key, field) =>
    p.perRound.length ? `${p.perRound.map((r) => fmt(r[key][field], '×')).join(', ')}` : '—';
  return [
    `**Paired** (${p.rounds} round(s) of fresh servers of bare Express and ours, each warmed up for ` +
      `${p.warmupSeconds} s, then all running at once and taking the load in turns of one second, ` +
      `${p.cycles} cycles per round; each ratio taken within a ` +
      'cycle, then the median over all cycles): a host whose speed drifts over tens of seconds moves ' +
      'the subjects of one cycle together, where the rounds above compare minutes apart.',
    '',
    table(
      [
        'ratio',
        'req/s',
        'per round',
        'server CPU µs / req (bare / ours)',
        'per round',
        'µs added / req',
        'target',
      ],
      [
        ['ours / bare (stdout to a file)', 'ourVsBare'],
        ['ours / bare (stdout to a drained pipe)', 'ourPipeVsBare'],
      ].map(([name, key]) => [
        name,
        fmt(p.ratios[key].rps, '×'),
        perRound(key, 'rps'),
        fmt(p.ratios[key].cpu, '×'),
        perRound(key, 'cpu'),
        fmt(p.ratios[key].addedUs),
        `≥ ${targets.ourVsBare}×`,
      ]),
    ),
    '',
    `Medians over the paired seconds: bare ${int(p.scenarios.bare.rps)} req/s at ` +
      `${fmt(p.scenarios.bare.cpuUsPerRequest)} µs CPU per request; ours ${int(p.scenarios.tracseq.rps)} req/s at ` +
      `${fmt(p.scenarios.tracseq.cpuUsPerRequest)} µs (pipe: ${int(p.scenarios['tracseq-pipe'].rps)} at ` +
      `${fmt(p.scenarios['tracseq-pipe'].cpuUsPerRequest)}); failed ${int(
        p.scenarios.tracseq.failed + p.scenarios['tracseq-pipe'].failed + p.scenarios.bare.failed,
      )}, spans dropped ${fmt(p.scenarios.tracseq.spansDropped)} / ${fmt(p.scenarios['tracseq-pipe'].spansDropped)}.`,
  ];
}

/** Markdown lines of a failure-storm result (bench/breaker/failure-storm.mjs). */
export function stormTable(storm) {
  const s = storm.settings;
  return [
    `${s.batches} batches × ${s.concurrency.toLocaleString('en-US')} concurrent hung calls, timeout ${s.timeoutMs} ms, ` +
      `through \`BreakerRegistry.call\` with contract metrics; ms from call to \`BreakerTimeoutError\`.`,
    '',
    '| calls | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- |',
    `| all | ${storm.overall.p50Ms} | ${storm.overall.p99Ms} | ${storm.overall.maxMs} |`,
    `| first batch | ${storm.first.p50Ms} | ${storm.first.p99Ms} | ${storm.first.maxMs} |`,
    `| last batch | ${storm.last.p50Ms} | ${storm.last.p99Ms} | ${storm.last.maxMs} |`,
    '',
    `p99 / timeout: **${storm.p99VsTimeout}×** over all calls, ${storm.medianBatchP99VsTimeout ?? '—'}× in the median batch ` +
      `(target < ${storm.target}×, not asserted; a batch times out on one timer, so one stall delays all its calls); ` +
      `calls that ended otherwise: ${storm.notTimedOut}.`,
  ];
}

function startupSection(x) {
  const s = x.settings;
  return [
    '## The first seconds after start (`GET /api/samples/:id`)',
    '',
    `${s.rounds} round(s) per subject, interleaved; each: a fresh server process (stdout to a file), loaded with ` +
      `${s.connections} connections from the moment it listens, for ${s.seconds} s. Medians over rounds.`,
    '',
    table(
      [
        'subject',
        'spawn → listening ms',
        'req/s, first 2 s',
        'req/s, first 5 s',
        'req/s in second 1, 2, 3, …',
        'server CPU µs / req, first 2 s',
        'of it: main · V8 helpers · workers',
        'failed',
      ],
      x.subjects.map((y) => [
        y.label,
        int(y.readyMs),
        int(y.first2s),
        int(y.first5s),
        y.perSecond.map(int).join(' · '),
        fmt(y.cpuUsPerRequest2s),
        threads(y.threadsUsPerRequest2s),
        int(y.failed),
      ]),
    ),
    '',
    table(
      ['ratio', 'req/s (medians)', 'per round (min–max)', 'DESIGN §9 target (not asserted)'],
      [
        [
          'ours / bare, first 2 s',
          fmt(x.ratios.first2s, '×'),
          spread(x.ratiosPerRound.first2s),
          `≥ ${x.target}×`,
        ],
        ['ours / bare, first 5 s', fmt(x.ratios.first5s, '×'), spread(x.ratiosPerRound.first5s), '—'],
        ...(x.ratios.cpuFirst2s === undefined
          ? []
          : [
              [
                'bare / ours, server CPU per request, first 2 s',
                fmt(x.ratios.cpuFirst2s, '×'),
                spread(x.ratiosPerRound.cpuFirst2s),
                '— (less disturbed by neighbours than req/s)',
              ],
            ]),
      ],
    ),
  ].join('\n');
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
          'closed: BreakerRegistry.call(key) + metrics / raw opossum',
          fmt(b.ratios.closedRegistryVsOpossum, '×'),
          b.target.closedRegistryVsOpossum ? `≤ ${b.target.closedRegistryVsOpossum}×` : '—',
        ],
        [
          'open: BreakerRegistry.call(key) + metrics / raw opossum',
          fmt(b.ratios.openRegistryVsOpossum, '×'),
          b.target.openRegistryNs ? `< ${int(b.target.openRegistryNs)} ns per rejection` : '—',
        ],
        [
          'closed: LabBreaker + metrics / raw opossum',
          fmt(b.ratios.closedOursVsOpossum, '×'),
          b.target.closedOursVsOpossum ? `≤ ${b.target.closedOursVsOpossum}×` : '—',
        ],
        [
          'closed: LabBreaker, no observers / raw opossum',
          fmt(b.ratios.closedOursNoObserversVsOpossum, '×'),
          '—',
        ],
        ['open: LabBreaker + metrics / raw opossum', fmt(b.ratios.openOursVsOpossum, '×'), '—'],
        ['closed: LabBreaker + metrics / cockatiel', fmt(b.ratios.closedOursVsCockatiel, '×'), '—'],
        ['open: LabBreaker + metrics / cockatiel', fmt(b.ratios.openOursVsCockatiel, '×'), '—'],
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
          [
            'BreakerRegistry.call(key) + contract metrics, after one call (incl. registry caches, state and success series)',
            int(b.memory.registryMetrics),
          ],
        ],
      ),
    );
  } else {
    lines.push('', 'Heap per breaker: not measured (no --expose-gc).');
  }
  if (b.storm) lines.push('', '### Failure storm (time to timeout)', '', ...stormTable(b.storm));
  return lines.join('\n');
}

function scrapeSection(s) {
  const rows = s.cases.flatMap((c) =>
    c.formats.map((f) => [
      c.label,
      f.format,
      fmt(Math.round(f.bytes / 1024)),
      fmt(f.wholeRenderMs),
      `${f.scrapes} × ${fmt(f.scrapeMs)}`,
      f.firstScrapeDelay ? fmt(f.firstScrapeDelay.maxMs) : '—',
      fmt(f.loadAlone.delay.maxMs),
      `**${fmt(f.loadScraping.delay.maxMs)}**`,
      fmt(f.loadScraping.delay.p99Ms),
      `${fmt(f.loadAlone.delay.gcMaxMs)} / ${fmt(f.loadScraping.delay.gcMaxMs)}`,
      `${int(f.loadAlone.rps)} → ${int(f.loadScraping.rps)}`,
      int(f.failed),
    ]),
  );
  return [
    '## Scrape cost (`/metrics` while the service is under load)',
    '',
    `A @tracseq/telemetry server whose HTTP histogram holds N label sets with exemplars; autocannon (${s.settings.connections} ` +
      `connections) loads its API route for ${s.settings.loadSeconds} s alone, then ${s.settings.loadSeconds} s while curl scrapes ` +
      '`/metrics` back to back (100 ms apart). The server measures its event-loop delay (`monitorEventLoopDelay`, 1 ms ' +
      'resolution): the maximum is the longest time the loop could not run, i.e. the longest block. "One-piece render" ' +
      `is \`registry.metrics()\` rendering everything at once (median of ${s.settings.renders}, no load): how long every ` +
      'scrape blocked the event loop before rendering was sliced. Before the measured phases, one scrape of each ' +
      'format runs without load and is measured apart: the first scrape fills the per-series text caches (a service ' +
      'fills them as its label sets appear; here they all exist before the first scrape).',
    '',
    table(
      [
        'HTTP histogram label sets',
        'format',
        'size KiB',
        'one-piece render ms',
        'scrapes × ms each (sliced, under load)',
        'longest event-loop delay ms, first scrape (no load)',
        'longest event-loop delay ms, load alone',
        'longest event-loop delay ms, load + scrapes',
        'p99 delay ms, load + scrapes',
        'longest GC pause ms: alone / scraping',
        'req/s: alone → scraping',
        'failed',
      ],
      rows,
    ),
    '',
    'The longest GC pause (a `gc` PerformanceObserver in the server, wall time) tells a collection from a long ' +
      'render step when the loop was held up. On a shared machine, compare the "load alone" column first: a delay ' +
      'there is the neighbours, not the scrape.',
    '',
    `Target (DESIGN §9, not asserted): no event-loop block over ${s.targetMs} ms during a scrape at 10,000 label sets.`,
  ].join('\n');
}

// Milliseconds with as many decimals as their size warrants.
const ms = (v) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(v >= 10 ? 1 : 2);
};

function sloRulesSection(x) {
  const title = '## SLO rule cost (Prometheus rule evaluation, tracseq-slo vs Sloth)';
  if (!x.ran) return [title, '', `Not run: ${x.reason}.`].join('\n');
  const { ours, sloth } = x.sets;
  const src = x.source;
  const p = x.prometheus;
  const s = x.settings;
  const iso = x.isolated ?? {};
  const setRow = (set) => [
    set.label,
    int(set.groupsLoaded),
    `${int(set.rulesLoaded)} (${int(set.recording)} + ${int(set.alerting)})`,
    ms(set.evalMs.median),
    ms(set.evalMs.p90),
    ms(set.groupMedianSumMs),
    ms(set.ruleEvalSumMs),
    ms(iso[set.id]?.totalMs),
    `${set.cycles}`,
    `${set.evaluationFailures} / ${set.missedIterations} / ${set.unhealthyRules}`,
  ];
  const r = x.ratios;
  const rel = (a, b) => fmt(a !== undefined && b ? Math.round((a / b) * 100) / 100 : null, '×');
  const examples = src.documents.map((d) => {
    const a = ours.byExample[d.label];
    const b = sloth.byExample[d.label];
    const ia = iso.ours?.byExample[d.label];
    const ib = iso.sloth?.byExample[d.label];
    return [
      d.label,
      d.sli,
      `${d.slos} × ${src.replicas}`,
      ms(a),
      ms(b),
      rel(a, b),
      ms(ia),
      ms(ib),
      rel(ia, ib),
    ];
  });
  const kinds = [...new Set([...Object.keys(ours.byRule), ...Object.keys(sloth.byRule)])]
    .map((kind) => [
      kind,
      ours.byRule[kind],
      sloth.byRule[kind],
      iso.ours?.byRule[kind],
      iso.sloth?.byRule[kind],
    ])
    .sort((a, b) => Math.max(b[3]?.ms ?? 0, b[4]?.ms ?? 0) - Math.max(a[3]?.ms ?? 0, a[4]?.ms ?? 0));
  const lines = [
    title,
    '',
    `Sloth's example specs (${src.documents.length} documents, ${src.baseSlos} SLOs) imported with @tracseq/slo's importer and ` +
      `built into our rules, next to the rules Sloth generated from the same specs; both replicated ${src.replicas}× under distinct ` +
      `service names: ${src.slos} SLOs per rule set over ${src.series} synthetic series (the Sloth conformance suite's input model, ` +
      `served live on 127.0.0.1, error ratio half of each budget). One Prometheus ${p.version} (GOMAXPROCS ${p.gomaxprocs}` +
      `${p.cpuList ? `, cores ${p.cpuList}` : ''}) loads both rule files, scrapes every ${s.scrapeInterval} and evaluates every ` +
      `${s.evaluationInterval}; ${s.warmupSeconds} s warm-up, then ${s.durationSeconds} s measured. Prometheus used ` +
      `${fmt(p.cpuCores)} cores on average while measured.`,
    '',
    table(
      [
        'rule set',
        'groups',
        'rules (recording + alerting)',
        'eval ms per cycle, median',
        'p90',
        'sum of group medians ms',
        'sum of rule medians ms',
        `alone: ${src.baseSlos} SLOs, ms`,
        'cycles',
        'failures / missed / unhealthy',
      ],
      [
        setRow(ours),
        setRow(sloth),
        [
          '**ours / Sloth**',
          '',
          fmt(r.rules, '×'),
          fmt(r.evalMedian, '×'),
          fmt(r.evalP90, '×'),
          fmt(r.groupMedianSum, '×'),
          fmt(r.ruleEvalSum, '×'),
          fmt(r.isolated, '×'),
          '',
          '',
        ],
      ],
    ),
    '',
    "A cycle is one evaluation of every group of the set; its cost is the sum of the groups' " +
      '`prometheus_rule_group_last_duration_seconds` (wall time). "Sum of group medians" takes each group\'s median ' +
      'over the cycles first, so a stall that hits a few evaluations does not move it; "sum of rule medians" is the ' +
      'same from the per-rule `evaluationTime` of `/api/v1/rules` (read every ' +
      `${s.rulesSnapshotSeconds} s). "Alone" runs every rule expression of one replica of each example (${src.baseSlos} ` +
      'SLOs) as an instant query, one at a time, after the measurement and with rule evaluation stopped (median ' +
      `\`evalTotalTime\` of ${s.probeRepeats}): the cost without other groups competing for the CPU. ` +
      "Goal (issue #9): ours ≤ 1× Sloth's.",
    '',
    '### By Sloth example (ms per cycle: sum of group medians; alone: one replica)',
    '',
    table(
      [
        'example spec',
        'SLI',
        'SLOs',
        'ours ms',
        'Sloth ms',
        'ours / Sloth',
        'alone: ours ms',
        'Sloth ms',
        'ours / Sloth',
      ],
      examples,
    ),
    '',
    `### By rule (ms per cycle: sum of rule medians over ${src.slos} SLOs; alone: over ${src.baseSlos})`,
    '',
    table(
      ['rule', 'ours: rules', 'ours ms', 'Sloth: rules', 'Sloth ms', 'alone: ours ms', 'Sloth ms'],
      kinds.map(([kind, a, b, ia, ib]) => [
        `\`${kind}\``,
        int(a?.rules),
        ms(a?.ms),
        int(b?.rules),
        ms(b?.ms),
        ms(ia?.ms),
        ms(ib?.ms),
      ]),
    ),
    '',
    `Both rule sets compute the same SLIs from the same series: ${x.sli.oursSeries} of ours and ${x.sli.slothSeries} of ` +
      `Sloth's SLOs have a 5m error ratio; where both are numbers (${x.sli.compared}), they differ by at most ` +
      `${x.sli.maxAbsDiff.toExponential(1)}.`,
  ];
  if (x.split) lines.push('', ...splitSubsection(x));
  if (x.build) {
    lines.push(
      '',
      `Measured packages/slo and packages/testkit at commit ${x.build.commit} (${x.build.uncommittedFilesInPackages ?? '?'} ` +
        `uncommitted file(s)), dist hash ${x.build.distHashAtStart}` +
        (x.build.distHashAtEnd !== x.build.distHashAtStart
          ? ` → ${x.build.distHashAtEnd} (REBUILT DURING THE RUN)`
          : '') +
        '.',
    );
  }
  if (src.skipped.length > 0) {
    lines.push('', `Left out: ${src.skipped.map((k) => `${k.what} (${k.reason})`).join('; ')}.`);
  }
  return lines.join('\n');
}

/** The `--split-groups` variant next to our one-group rules and Sloth's, per base cycle. */
function splitSubsection(x) {
  const sp = x.split;
  const { ours, sloth } = x.sets;
  const r = x.splitRatios;
  const slos = x.source.slos;
  const perSlo = (v) => ms(v === undefined || v === null ? null : v / slos);
  const iso = x.isolated ?? {};
  const spIso = sp.isolated ?? {};
  return [
    `### With \`--split-groups\` (slow groups every ${x.settings.slowInterval}, base interval ${x.settings.evaluationInterval})`,
    '',
    `The same ${slos} SLOs built with \`generate --split-groups --slow-interval ${x.settings.slowInterval}\`, loaded as a third ` +
      'rule file into the same Prometheus over series of their own (the same shapes, under `<service>-sNN`). A base ' +
      `cycle costs the fast groups' sum plus the slow groups' sum × ${x.settings.evaluationInterval} / ${x.settings.slowInterval} ` +
      `(${fmt(round2(sp.slowShare))}): the slow groups run once every ${fmt(round2(1 / sp.slowShare))} cycles. ` +
      '"Alone" runs every rule of one replica per example as an instant query after the measurement (as above), slow ' +
      'rules weighted by the same share.',
    '',
    table(
      [
        'rule set',
        'groups',
        'rules evaluated per cycle',
        'samples recorded per cycle',
        'ms per cycle (median; split: amortised)',
        'sum of group medians ms',
        'ms per SLO per cycle',
        `alone: ${x.source.baseSlos} SLOs, ms`,
        'failures / missed / unhealthy',
      ],
      [
        [
          ours.label,
          int(ours.groupsLoaded),
          int(ours.rules),
          int(ours.recording),
          ms(ours.evalMs.median),
          ms(ours.groupMedianSumMs),
          perSlo(ours.evalMs.median),
          ms(iso.ours?.totalMs),
          `${ours.evaluationFailures} / ${ours.missedIterations} / ${ours.unhealthyRules}`,
        ],
        [
          `${sp.label}: fast groups (every cycle)`,
          int(sp.fast.groups),
          int(sp.fast.rules),
          int(sp.fast.recording),
          ms(sp.fast.evalMsMedian),
          ms(sp.fast.groupMedianSumMs),
          perSlo(sp.fast.evalMsMedian),
          ms(spIso.fastMs),
          '',
        ],
        [
          `${sp.label}: slow groups (per slow evaluation, ${sp.slow.evaluations} seen)`,
          int(sp.slow.groups),
          int(sp.slow.rules),
          int(sp.slow.recording),
          ms(sp.slow.evalMsMedian),
          ms(sp.slow.groupMedianSumMs),
          perSlo(sp.slow.evalMsMedian),
          ms(spIso.slowMs),
          '',
        ],
        [
          `**${sp.label}, amortised per cycle**`,
          int(sp.groupsLoaded),
          fmt(sp.rulesPerCycle),
          fmt(sp.samplesPerCycle),
          ms(sp.amortisedMs),
          ms(sp.amortisedGroupMedianSumMs),
          ms(sp.perSloAmortisedMs),
          ms(spIso.amortisedMs),
          `${sp.evaluationFailures} / ${sp.missedIterations} / ${sp.unhealthyRules}`,
        ],
        [
          sloth.label,
          int(sloth.groupsLoaded),
          int(sloth.rules),
          int(sloth.recording),
          ms(sloth.evalMs.median),
          ms(sloth.groupMedianSumMs),
          perSlo(sloth.evalMs.median),
          ms(iso.sloth?.totalMs),
          `${sloth.evaluationFailures} / ${sloth.missedIterations} / ${sloth.unhealthyRules}`,
        ],
        [
          '**split / one group**',
          '',
          fmt(r.rulesPerCycleVsOurs, '×'),
          '',
          fmt(r.amortisedVsOurs, '×'),
          fmt(r.groupMedianSumVsOurs, '×'),
          '',
          fmt(r.isolatedVsOurs, '×'),
          '',
        ],
        [
          '**split / Sloth**',
          '',
          '',
          '',
          fmt(r.amortisedVsSloth, '×'),
          '',
          '',
          fmt(r.isolatedVsSloth, '×'),
          '',
        ],
      ],
    ),
  ];
}

const round2 = (v) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);

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
  if (results.startup) parts.push(startupSection(results.startup));
  if (results.breaker) parts.push(breakerSection(results.breaker));
  if (results.scrape) parts.push(scrapeSection(results.scrape));
  if (results.sloRules) parts.push(sloRulesSection(results.sloRules));
  return `${parts.join('\n\n')}\n`;
}
