import { isIP } from 'node:net';

// The Compose Specification schema names four custom formats that ajv does not know (it would
// ignore them, with one console line per use). These mirror what compose-go checks for them:
// Go's time.ParseDuration for `duration`, Docker's port spec (nat.ParsePortSpec) for `ports` and
// `expose`, and a CIDR block for `subnet_ip_address`.

const DURATION = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

function isPortOrRange(text: string, allowEmpty: boolean): boolean {
  if (text === '') return allowEmpty;
  const bounds = text.split('-');
  if (bounds.length > 2) return false;
  const numbers = bounds.map((b) => (/^\d{1,5}$/.test(b) ? Number(b) : Number.NaN));
  if (numbers.some((n) => !(n <= 65_535))) return false;
  return numbers.length === 1 || (numbers[0] as number) <= (numbers[1] as number);
}

/** A Compose/Docker port spec: `[IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`. */
export function isComposePortSpec(value: string): boolean {
  const slash = value.indexOf('/');
  const spec = slash === -1 ? value : value.slice(0, slash);
  if (slash !== -1 && !PROTOCOLS.has(value.slice(slash + 1))) return false;
  const container = spec.slice(spec.lastIndexOf(':') + 1);
  if (!isPortOrRange(container, false)) return false;
  if (!spec.includes(':')) return true;
  const front = spec.slice(0, spec.lastIndexOf(':'));
  const hostColon = front.lastIndexOf(':');
  if (hostColon === -1) return isPortOrRange(front, false);
  const ip = front.slice(0, hostColon).replace(/^\[(.*)\]$/, '$1');
  return isIP(ip) !== 0 && isPortOrRange(front.slice(hostColon + 1), true);
}

/** A Compose duration, as Go's `time.ParseDuration` reads it (`30s`, `1m30s`, `1.5h`). */
export function isComposeDuration(value: string): boolean {
  return DURATION.test(value);
}

/** An IPv4 or IPv6 CIDR block (`172.28.0.0/16`, `2001:db8::/64`). */
export function isSubnet(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const family = isIP(address);
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The formats to register on ajv before compiling the Compose schema. */
export const COMPOSE_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  duration: isComposeDuration,
  ports: isComposePortSpec,
  expose: isComposePortSpec,
  subnet_ip_address: isSubnet,
};
