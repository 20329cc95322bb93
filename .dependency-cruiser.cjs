// The allowed dependency edges between the toolkit's packages, enforced by `npm run lint:repo`
// (part of `npm test`). CONTRIBUTING.md draws the same graph. Test files may also use the test
// kit and, for live tests, the runtime packages.
const TEST = '\\.test\\.ts$|/test-[^/]*\\.ts$';
const RUNTIME_LIBS = 'node_modules/(@opentelemetry/|pino|opossum|prom-client|express)';

/** Production code of package `name` may reach only the given packages. */
function only(name, allowed) {
  return {
    name: `${name}-depends-only-on-${allowed.join('-') || 'itself'}`,
    comment: `@tracseq/${name} may use ${allowed.length ? allowed.map((a) => `@tracseq/${a}`).join(', ') : 'no other package of ours'}`,
    severity: 'error',
    from: { path: `^packages/${name}/src/`, pathNot: TEST },
    to: { path: '^packages/', pathNot: `^packages/(${[name, ...allowed].join('|')})/` },
  };
}

module.exports = {
  forbidden: [
    only('contract', []),
    only('testkit', []),
    only('telemetry', ['contract']),
    only('circuit-breaker', ['contract', 'telemetry']),
    only('oncall', ['contract']),
    only('slo', ['contract', 'oncall']),
    only('dashboards', ['contract', 'slo']),
    {
      name: 'contract-has-no-runtime-dependencies',
      comment: '@tracseq/contract must not load OpenTelemetry, pino, opossum, prom-client or Express',
      severity: 'error',
      from: { path: '^packages/contract/src/' },
      to: { path: RUNTIME_LIBS },
    },
    {
      name: 'generators-load-no-runtime',
      comment:
        'slo, oncall and dashboards must not load OpenTelemetry, pino, opossum, prom-client or Express',
      severity: 'error',
      from: { path: '^packages/(slo|oncall|dashboards)/src/', pathNot: TEST },
      to: { path: RUNTIME_LIBS },
    },
    {
      name: 'no-reaching-into-other-packages',
      comment: 'import another package by its name (@tracseq/x), never by a relative path into its files',
      severity: 'error',
      from: { path: '^(packages|examples)/([^/]+)/' },
      to: { dependencyTypes: ['local'], pathNot: '^$1/$2/|^examples/shared/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules|/dist/' },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
  },
};
