/**
 * The shapes of the hub's HTTP and WebSocket API (API-CONTRACT, issue 7) the
 * dashboard reads. Type-only: the bundle carries none of the hub's code.
 */

import type { DeviceSnapshot as HubDeviceSnapshot } from '../../src/hub/device.js';

export type { Availability } from '../../src/hub/device.js';
export type { GridType } from '../../src/core/device-id.js';

export type OnOff = 'on' | 'off';

/**
 * A device as the hub reports it: the hub's own type (so the page cannot
 * drift from the API), plus the display name the API adds.
 */
export type DeviceSnapshot = HubDeviceSnapshot & { name?: string };

export interface HubState {
  mqtt: { connected: boolean; endpoint: string };
}

export interface PhaseNow {
  powerImportW?: number;
  powerExportW?: number;
  voltageV?: number;
  currentA?: number;
}

export interface EnergySpan {
  importWh: number | null;
  exportWh: number | null;
  gasM3: number | null;
}

export interface MeterSummary {
  device: DeviceSnapshot;
  telegram: Record<string, unknown> | null;
  receivedAt: string | null;
  now: {
    importW: number | null;
    exportW: number | null;
    tariff: number | null;
    phases: { l1?: PhaseNow; l2?: PhaseNow; l3?: PhaseNow };
  };
  today: EnergySpan;
  month: EnergySpan;
  capacityPeak: { w: number; ts: string } | null;
  mbus: DeviceSnapshot[];
}

/** GET /api/readings and /api/devices/:id/readings: columnar, ready for a chart. */
export interface ReadingsAnswer {
  metric: string;
  unit: string;
  operation: string | null;
  interval: string | null;
  from: number | null;
  to: number | null;
  series: { id: string | null; t: number[]; v: number[] }[];
}

export interface HubTimer {
  relay: number;
  slot: number;
  time: string;
  state: OnOff;
  enabled: boolean;
  by: string;
}

/** One message of the /api/live socket. */
export type LiveMessage =
  | { type: 'snapshot'; devices: DeviceSnapshot[]; hub: HubState }
  | { type: 'device' | 'availability'; device: DeviceSnapshot }
  | { type: 'state' | 'countdown'; device: DeviceSnapshot; relay: number }
  | { type: 'reading'; id: string; metric: string; value: number; unit: string; ts: number }
  | { type: 'renamed'; from: string; device: DeviceSnapshot }
  | { type: 'removed'; id: string }
  | { type: 'hub'; mqtt: HubState['mqtt'] }
  | { type: 'meter'; id: string; receivedAt: string; telegram: Record<string, unknown> }
  | { type: 'filter'; filter: unknown }
  | { type: 'error'; error: string };
