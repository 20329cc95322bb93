/**
 * Values kept per HTTP label set (route, status, method and tenant, `''` for none), looked up
 * with the strings a request already has: nested maps, so no key string is built and hashed per
 * request (the route template is the same string every time, its hash computed once).
 */
export class LabelSetMap<V> {
  readonly #byRoute = new Map<string, Map<number, Map<string, Map<string, V>>>>();
  #size = 0;

  /** Label sets held. */
  get size(): number {
    return this.#size;
  }

  get(route: string, status: number, method: string, tenant: string): V | undefined {
    return this.#byRoute.get(route)?.get(status)?.get(method)?.get(tenant);
  }

  set(route: string, status: number, method: string, tenant: string, value: V): void {
    const byTenant = getOrAdd(getOrAdd(getOrAdd(this.#byRoute, route), status), method);
    if (!byTenant.has(tenant)) this.#size++;
    byTenant.set(tenant, value);
  }
}

function getOrAdd<K, I, J>(map: Map<K, Map<I, J>>, key: K): Map<I, J> {
  let value = map.get(key);
  if (value === undefined) {
    value = new Map();
    map.set(key, value);
  }
  return value;
}
