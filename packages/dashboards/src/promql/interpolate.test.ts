import { describe, expect, it } from 'vitest';
import { interpolateVariables, interpolateWithMap, originalOffset, variablesIn } from './interpolate.js';

describe('Grafana variables', () => {
  it('finds and substitutes every syntax, longest name first', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
    const expr = 'rate(x{a=~"$service", b="${lab:regex}", c="[[zone]]"}[$__rate_interval])';
    expect(variablesIn(expr)).toEqual(['service', 'lab', 'zone', '__rate_interval']);
    expect(interpolateVariables(expr, { service: '.*', lab: 'l', __rate_interval: '4s' })).toBe(
      'rate(x{a=~".*", b="l", c="[[zone]]"}[4s])',
    );
  });

  it('maps offsets of the interpolated text back to the text as written', () => {
    const written = 'rate(x{a=~"$service"}[$__rate_interval]) > $t';
    const map = interpolateWithMap(written, { service: '.*', __rate_interval: '60s', t: '1' });
    expect(map.text).toBe('rate(x{a=~".*"}[60s]) > 1');
    expect(map.substitutions.map((s) => [s.name, map.text.slice(s.from, s.to)])).toEqual([
      ['service', '.*'],
      ['__rate_interval', '60s'],
      ['t', '1'],
    ]);
    const range = { from: map.text.indexOf('60s'), to: map.text.indexOf('60s') + 3 };
    expect(written.slice(originalOffset(map, range.from), originalOffset(map, range.to, 'end'))).toBe(
      '$__rate_interval',
    );
    // Inside a value: the variable's start (or end); after it: shifted by the length difference.
    expect(originalOffset(map, range.from + 1)).toBe(written.indexOf('$__rate_interval'));
    expect(originalOffset(map, range.from + 1, 'end')).toBe(written.indexOf(']'));
    expect(written.slice(originalOffset(map, map.text.indexOf('>')))).toBe('> $t');
    expect(originalOffset(map, 3)).toBe(3);
  });

  it('keeps variables without a value as written', () => {
    const map = interpolateWithMap('x{a="$a"} / $b', { b: '2' });
    expect(map.text).toBe('x{a="$a"} / 2');
    expect(map.substitutions.map((s) => s.name)).toEqual(['b']);
  });
});
