/** Hash routes: `#/` the devices, `#/device/<id>` one device, `#/meter/<id>` one P1 meter. */

export type Route =
  | { page: 'fleet' }
  | { page: 'device'; id: string }
  | { page: 'meter'; id: string }
  | { page: 'unknown'; hash: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return { page: 'fleet' };
  const m = /^\/(device|meter)\/([^/]+)\/?$/.exec(path);
  if (m) {
    try {
      return { page: m[1] as 'device' | 'meter', id: decodeURIComponent(m[2]!) };
    } catch {
      // A malformed %-escape falls through to "unknown".
    }
  }
  return { page: 'unknown', hash };
}

export function deviceHref(id: string): string {
  return `#/device/${encodeURIComponent(id)}`;
}

export function meterHref(id: string): string {
  return `#/meter/${encodeURIComponent(id)}`;
}
