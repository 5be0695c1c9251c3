/**
 * smartmeter2mqtt's MQTT topics for one telegram (research/dsmr.md 1.4, 1.5),
 * as a list of publishes; whoever owns the broker connection sends them.
 * Pure apart from the little it must remember between telegrams (the last
 * usage, the last gas reading, whether discovery went out):
 *
 * - `<prefix>/status/energy`, retained: the message JSON, plus `last_reset`
 *   when configured (`--mqtt-last-reset`, for Home Assistant's energy
 *   sensors of that era);
 * - `<prefix>/status/<field>` = `{"ts":<epoch ms>,"val":v}`, retained, for
 *   each distinct field the telegram has, zero included (smartmeter2mqtt
 *   skipped falsy values, so a 0 W export never arrived);
 * - `<prefix>/status/usage`, not retained, when `calculatedUsage` (W)
 *   changes: `{previousUsage, relative, message, val, tc}`;
 * - `<prefix>/status/gasUsage`, not retained, when the gas reading's time
 *   changes: the same shape, `val` in m3/h over the time between the two
 *   readings, `relative` the m3 used in it (0 for the first reading);
 * - Home Assistant discovery, retained, once after the first telegram, with
 *   smartmeter2mqtt's sensor ids but the units and classes its discovery got
 *   wrong: `W` not `Watt`, `total_increasing` on kWh totals, gas as
 *   `device_class: gas`, export totals bound to delivered kWh, not kvarh.
 */
import type { Smartmeter2mqttMessage } from './smartmeter2mqtt-json.js';

export interface MqttPublish {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

export interface Smartmeter2mqttTopicsOptions {
  /** Topic prefix, e.g. `smartmeter`. */
  prefix: string;
  /** Fields published on their own topics; empty for none. */
  distinctFields: readonly string[];
  /** `last_reset` added to the energy message, as given. */
  lastReset?: string;
  /** Home Assistant discovery prefix (e.g. `homeassistant`); no discovery when absent. */
  discoveryPrefix?: string;
}

interface UsageChange {
  previousUsage: number | null;
  relative: number;
  message: string;
  val: number;
  tc: number;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

interface SensorDef {
  readonly id: string;
  readonly name: string;
  readonly template: string;
  readonly unit?: string;
  readonly deviceClass?: string;
  readonly stateClass?: string;
}

const KWH_TOTAL = { unit: 'kWh', deviceClass: 'energy', stateClass: 'total_increasing' } as const;

const POWER_SENSORS: readonly SensorDef[] = [
  {
    id: 'power-usage',
    name: 'Power usage',
    template: '{{ value_json.calculatedUsage }}',
    unit: 'W',
    deviceClass: 'power',
    stateClass: 'measurement',
  },
  {
    id: 'power-imported',
    name: 'Total power imported',
    template: '{{ (value_json.totalT1Use + value_json.totalT2Use) | round(3) }}',
    ...KWH_TOTAL,
  },
  {
    id: 'power-exported',
    name: 'Total power exported',
    template: '{{ (value_json.totalT1Delivered + value_json.totalT2Delivered) | round(3) }}',
    ...KWH_TOTAL,
  },
  { id: 't1-used', name: 'T1 used', template: '{{ value_json.totalT1Use }}', ...KWH_TOTAL },
  { id: 't2-used', name: 'T2 used', template: '{{ value_json.totalT2Use }}', ...KWH_TOTAL },
  {
    id: 't1-delivered',
    name: 'T1 delivered',
    template: '{{ value_json.totalT1Delivered }}',
    ...KWH_TOTAL,
  },
  {
    id: 't2-delivered',
    name: 'T2 delivered',
    template: '{{ value_json.totalT2Delivered }}',
    ...KWH_TOTAL,
  },
  { id: 'current-tarrif', name: 'Current tariff', template: '{{ value_json.currentTarrif }}' },
];

const GAS_SENSOR: SensorDef = {
  id: 'gas',
  name: 'Gas',
  template: '{{ value_json.gas.totalUse }}',
  unit: 'm³',
  deviceClass: 'gas',
  stateClass: 'total_increasing',
};

export class Smartmeter2mqttTopics {
  private lastUsage: number | null = null;
  private lastGas: { ms: number; total: number; rate: number } | null = null;
  private discovered = false;

  constructor(private readonly options: Smartmeter2mqttTopicsOptions) {}

  /** The topic of the retained `2` / `0` presence flag (and the will). */
  get connectedTopic(): string {
    return `${this.options.prefix}/connected`;
  }

  /** The publishes for one telegram: `json` is `JSON.stringify(message)`, `at` its receive time. */
  publishes(message: Readonly<Smartmeter2mqttMessage>, json: string, at: number): MqttPublish[] {
    const prefix = this.options.prefix;
    const out: MqttPublish[] = [];
    // The unretained topics go first: an aedes broker drops the live delivery
    // of a retained publish that an unretained one follows closely (the
    // embedded broker works around it, see numberPublishesAsEmitted; an
    // external aedes does not).
    const usage = this.usageChange(message, at);
    if (usage !== null)
      out.push({ topic: `${prefix}/status/usage`, payload: JSON.stringify(usage), retain: false });
    const gas = this.gasChange(message, at);
    if (gas !== null)
      out.push({ topic: `${prefix}/status/gasUsage`, payload: JSON.stringify(gas), retain: false });
    const lastReset = this.options.lastReset;
    const energy =
      lastReset === undefined
        ? json
        : `${json.slice(0, -1)},"last_reset":${JSON.stringify(lastReset)}}`;
    out.push({ topic: `${prefix}/status/energy`, payload: energy, retain: true });
    for (const field of this.options.distinctFields) {
      const val = message[field];
      if (val === undefined || val === null) continue;
      out.push({
        topic: `${prefix}/status/${field}`,
        payload: JSON.stringify({ ts: at, val }),
        retain: true,
      });
    }
    if (!this.discovered && this.options.discoveryPrefix !== undefined) {
      this.discovered = true;
      out.push(...this.discovery(message, this.options.discoveryPrefix));
    }
    return out;
  }

  private usageChange(message: Readonly<Smartmeter2mqttMessage>, at: number): UsageChange | null {
    const now = message.calculatedUsage;
    if (typeof now !== 'number' || now === this.lastUsage) return null;
    const before = this.lastUsage;
    this.lastUsage = now;
    const relative = before === null ? 0 : now - before;
    return {
      previousUsage: before,
      relative,
      message:
        before === null
          ? `Usage ${now} W`
          : `Usage ${relative > 0 ? 'increased' : 'decreased'} by ${Math.abs(relative)} W to ${now} W`,
      val: now,
      tc: at,
    };
  }

  private gasChange(message: Readonly<Smartmeter2mqttMessage>, at: number): UsageChange | null {
    const gas = message.gas;
    const ms = typeof gas?.ts === 'string' ? Date.parse(gas.ts) : NaN;
    const total = gas?.totalUse;
    if (!Number.isFinite(ms) || typeof total !== 'number') return null;
    const last = this.lastGas;
    if (last !== null && ms <= last.ms) return null;
    const relative = last === null ? 0 : round3(total - last.total);
    const rate = last === null ? 0 : round3((relative * 3_600_000) / (ms - last.ms));
    this.lastGas = { ms, total, rate };
    return {
      previousUsage: last?.rate ?? null,
      relative,
      message: `Gas ${relative} m3 since the previous reading, ${rate} m3/h`,
      val: rate,
      tc: at,
    };
  }

  private discovery(message: Readonly<Smartmeter2mqttMessage>, dprefix: string): MqttPublish[] {
    const prefix = this.options.prefix;
    const power = typeof message.powerSn === 'string' ? message.powerSn : 'unknown';
    const state = `${prefix}/status/energy`;
    const config = (s: SensorDef, serial: string, model: string): MqttPublish => ({
      topic: `${dprefix}/sensor/${prefix}/${s.id}/config`,
      retain: true,
      payload: JSON.stringify({
        name: s.name,
        unique_id: `smartmeter_${serial}_${s.id}`,
        state_topic: state,
        json_attributes_topic: state,
        value_template: s.template,
        ...(s.unit === undefined ? {} : { unit_of_measurement: s.unit }),
        ...(s.deviceClass === undefined ? {} : { device_class: s.deviceClass }),
        ...(s.stateClass === undefined ? {} : { state_class: s.stateClass }),
        availability_topic: this.connectedTopic,
        payload_available: '2',
        payload_not_available: '0',
        device: {
          identifiers: [`smartmeter_${serial}`],
          name: model,
          model: typeof message.header === 'string' ? message.header : undefined,
          manufacturer: 'wattbridge',
        },
      }),
    });
    const out = POWER_SENSORS.map((s) => config(s, power, 'Smart meter'));
    if (message.gas !== undefined) {
      const gasSn = typeof message.gasSn === 'string' ? message.gasSn : power;
      out.push(config(GAS_SENSOR, gasSn, 'Gas meter'));
    }
    return out;
  }
}
