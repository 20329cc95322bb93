import { describe, expect, it } from 'vitest';
import { isComposeDuration, isComposePortSpec, isSubnet } from './compose-formats.ts';

describe('Compose schema formats', () => {
  it.each([
    ['30s', true],
    ['1m30s', true],
    ['1.5h', true],
    ['500ms', true],
    ['0', true],
    ['10', false],
    ['ten seconds', false],
    ['1d', false],
    ['', false],
  ])('duration %j → %s', (value, ok) => {
    expect(isComposeDuration(value)).toBe(ok);
  });

  it.each([
    ['9090:9090', true],
    ['80', true],
    ['3000-3005', true],
    ['6060:6060/udp', true],
    ['127.0.0.1:8001:8001', true],
    ['127.0.0.1::5000', true],
    ['[::1]:9090:9090', true],
    ['9000-9010:9000-9010', true],
    ['99999:80', false],
    ['80/http', false],
    ['localhost:80:80', false],
    ['3005-3000', false],
    ['', false],
  ])('port spec %j → %s', (value, ok) => {
    expect(isComposePortSpec(value)).toBe(ok);
  });

  it.each([
    ['172.28.0.0/16', true],
    ['2001:db8::/64', true],
    ['172.28.0.0', false],
    ['172.28.0.0/33', false],
    ['not-an-ip/8', false],
  ])('subnet %j → %s', (value, ok) => {
    expect(isSubnet(value)).toBe(ok);
  });
});
