/**
 * What the page knows about the hub: its devices and its broker
 * connection, kept current from the live socket (or, while that is down,
 * from polling) and told to the views as small changes so a tile redraws
 * alone.
 */
import { measured, power, type Shown } from './format.js';
import type { DeviceSnapshot, HubState, LiveMessage, OnOff } from './types.js';

export type FleetChange =
  /** The set of devices changed (snapshot, new, renamed or removed device): redraw the layout. */
  | { kind: 'layout' }
  | { kind: 'device'; id: string }
  | { kind: 'reading'; id: string; metric: string; value: number; ts: number }
  | { kind: 'hub' }
  | { kind: 'meter'; id: string; receivedAt: string }
  | { kind: 'renamed'; from: string; to: string };

export class Fleet {
  private readonly byId = new Map<string, DeviceSnapshot>();
  private readonly listeners = new Set<(c: FleetChange) => void>();
  /** Null until the hub said (snapshot, hub message or /api/status). */
  hub: HubState | null = null;
  /** False until the first list of devices arrived, so an empty hub is told apart from loading. */
  loaded = false;

  devices(): DeviceSnapshot[] {
    return [...this.byId.values()];
  }

  get(id: string): DeviceSnapshot | undefined {
    return this.byId.get(id);
  }

  subscribe(fn: (c: FleetChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A full list (snapshot or GET /api/devices): the layout is redrawn only when the set of ids changed. */
  replaceAll(devices: DeviceSnapshot[]): void {
    const sameIds =
      this.loaded && devices.length === this.byId.size && devices.every((d) => this.byId.has(d.id));
    this.byId.clear();
    for (const d of devices) this.byId.set(d.id, d);
    this.loaded = true;
    if (sameIds) for (const d of devices) this.emit({ kind: 'device', id: d.id });
    else this.emit({ kind: 'layout' });
  }

  upsert(device: DeviceSnapshot): void {
    const isNew = !this.byId.has(device.id);
    this.byId.set(device.id, device);
    this.emit(isNew ? { kind: 'layout' } : { kind: 'device', id: device.id });
  }

  /** The hub confirmed a switch (the POST's answer), ahead of the live message saying the same. */
  setRelay(id: string, relay: number, state: OnOff): void {
    const d = this.byId.get(id);
    if (!d) return;
    const relays = d.relays.filter((r) => r.relay !== relay);
    relays.push({ relay, state });
    relays.sort((a, b) => a.relay - b.relay);
    this.byId.set(id, { ...d, relays });
    this.emit({ kind: 'device', id });
  }

  /** A device took a new id (the rename's answer, or the live message saying so). */
  rename(from: string, device: DeviceSnapshot): void {
    if (!this.byId.delete(from) && this.byId.has(device.id)) return this.upsert(device);
    this.byId.set(device.id, device);
    this.emit({ kind: 'renamed', from, to: device.id });
    this.emit({ kind: 'layout' });
  }

  setHub(hub: HubState): void {
    this.hub = hub;
    this.emit({ kind: 'hub' });
  }

  apply(m: LiveMessage): void {
    switch (m.type) {
      case 'snapshot':
        this.hub = m.hub;
        this.replaceAll(m.devices);
        this.emit({ kind: 'hub' });
        return;
      case 'device':
      case 'availability':
      case 'state':
      case 'countdown':
        this.upsert(m.device);
        return;
      case 'reading': {
        const d = this.byId.get(m.id);
        if (!d) return;
        const ts = new Date(m.ts).toISOString();
        d.readings = { ...d.readings, [m.metric]: { value: m.value, unit: m.unit, ts } };
        if (ts > d.lastSeen) d.lastSeen = ts;
        this.emit({ kind: 'reading', id: m.id, metric: m.metric, value: m.value, ts: m.ts });
        return;
      }
      case 'renamed':
        this.rename(m.from, m.device);
        return;
      case 'removed':
        if (this.byId.delete(m.id)) this.emit({ kind: 'layout' });
        return;
      case 'hub':
        this.setHub({ mqtt: m.mqtt });
        return;
      case 'meter':
        this.emit({ kind: 'meter', id: m.id, receivedAt: m.receivedAt });
        return;
      case 'filter':
      case 'error':
        return;
    }
  }

  private emit(c: FleetChange): void {
    for (const fn of this.listeners) fn(c);
  }
}

/**
 * The name a device is shown by: its hub id, which people choose (config
 * `devices:`, rename) and the API addresses. Not the firmware's own name:
 * every factory-fresh Tasmota plug calls itself "Tasmota".
 */
export function displayName(d: DeviceSnapshot): string {
  return d.id;
}

/** The device's own name when it says something beyond the id (shown beside it). */
export function ownName(d: DeviceSnapshot): string | undefined {
  const n = d.info.name;
  return n && n !== d.id && !/^Tasmota\d*$/.test(n) ? n : undefined;
}

/**
 * A DSMR electricity meter (not one of its M-Bus gas or water meters): the
 * hub's own rule for what has a meter page (`/api/meters/:id`), the only
 * dsmr device that says who made it.
 */
export function isElectricityMeter(d: DeviceSnapshot): boolean {
  return d.protocol === 'dsmr' && d.info.manufacturer !== undefined;
}

/** The power a device draws now: a plug's `power`, a meter's import minus export. */
export function powerNow(d: DeviceSnapshot): number | null {
  const r = d.readings;
  if (r.power) return r.power.value;
  if (r.power_import || r.power_export)
    return (r.power_import?.value ?? 0) - (r.power_export?.value ?? 0);
  return null;
}

/**
 * The value a device is shown by: power for plugs and meters, the total for
 * gas, water and heat meters (which have no power); `label` says which.
 */
export function headline(d: DeviceSnapshot): Shown & { label: string } {
  const w = powerNow(d);
  if (w !== null) return { ...power(w), label: isElectricityMeter(d) ? 'net' : '' };
  for (const metric of ['gas_total', 'water_total', 'hot_water_total', 'heat_total']) {
    const r = d.readings[metric];
    if (r)
      return {
        ...measured(r.value, r.unit),
        label: metric.replace(/_total$/, '').replace('_', ' '),
      };
  }
  return { ...power(null), label: '' };
}
