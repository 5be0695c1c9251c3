/**
 * Every OBIS object of research/dsmr.md section 2: how its value is read and
 * its name in the smartmeter2mqtt JSON (the seed's names where it had one,
 * the same camelCase style for the objects it never parsed).
 *
 * Codes not listed here are still parsed, as `unknown` objects with their
 * raw groups. M-Bus objects (`0-n:...`, n = 1..4) are listed per channel and
 * carry no JSON name: the JSON shape groups them by device type.
 */

export type ObisKind =
  'number' | 'text' | 'timestamp' | 'reading' | 'event-log' | 'peak-history' | 'legacy-reading';

export interface ObisDef {
  /** The reduced id, `A-B:C.D.E`. */
  readonly obis: string;
  readonly kind: ObisKind;
  /** Unit assumed when the meter sends a bare number (Smarty 3.7.0, Fluvius `(00.000)`); null for counts. */
  readonly unit: string | null;
  /** smartmeter2mqtt JSON field; undefined for M-Bus objects. */
  readonly name?: string;
  /** What the object is, for people reading `dsmr parse` output and this table. */
  readonly description: string;
}

type Row = readonly [
  obis: string,
  kind: ObisKind,
  unit: string | null,
  name: string,
  description: string,
];

const L = ['L1', 'L2', 'L3'] as const;
const PHASE_C = [21, 41, 61] as const; // import power per phase; +1 = export
const PHASES = [0, 1, 2] as const;

const ROWS: readonly Row[] = [
  // identification and clock
  ['1-3:0.2.8', 'text', null, 'p1Version', 'P1 version'],
  ['0-0:1.0.0', 'timestamp', null, 'powerTs', 'telegram timestamp'],
  ['0-0:96.1.1', 'text', null, 'powerSn', 'electricity equipment id (hex)'],
  ['0-0:96.1.0', 'text', null, 'equipmentId', 'equipment id (HU, ACE4000)'],
  ['0-0:96.1.4', 'text', null, 'emucsVersion', 'Belgian e-MUCS version'],
  ['0-0:42.0.0', 'text', null, 'logicalDeviceName', 'COSEM logical device name (hex)'],
  ['1-0:0.0.0', 'text', null, 'deviceId', 'device id (Q3D, Iskra IE)'],
  ['0-0:96.1.255', 'text', null, 'serialNumber', 'serial number (Q3D)'],
  ['1-0:96.5.5', 'text', null, 'meterState', 'meter state (Q3D)'],
  // energy registers
  ['1-0:1.8.0', 'number', 'kWh', 'totalImportedEnergyP', 'energy imported, total'],
  ['1-0:2.8.0', 'number', 'kWh', 'totalExportedEnergyP', 'energy exported, total'],
  ['1-0:1.8.1', 'number', 'kWh', 'totalT1Use', 'energy imported, tariff 1'],
  ['1-0:1.8.2', 'number', 'kWh', 'totalT2Use', 'energy imported, tariff 2'],
  ['1-0:1.8.3', 'number', 'kWh', 'totalT3Use', 'energy imported, tariff 3'],
  ['1-0:1.8.4', 'number', 'kWh', 'totalT4Use', 'energy imported, tariff 4'],
  ['1-0:2.8.1', 'number', 'kWh', 'totalT1Delivered', 'energy exported, tariff 1'],
  ['1-0:2.8.2', 'number', 'kWh', 'totalT2Delivered', 'energy exported, tariff 2'],
  ['1-0:2.8.3', 'number', 'kWh', 'totalT3Delivered', 'energy exported, tariff 3'],
  ['1-0:2.8.4', 'number', 'kWh', 'totalT4Delivered', 'energy exported, tariff 4'],
  ['1-0:3.8.0', 'number', 'kvarh', 'totalImportedEnergyQ', 'reactive energy imported'],
  ['1-0:4.8.0', 'number', 'kvarh', 'totalExportedEnergyQ', 'reactive energy exported'],
  ['1-0:3.8.1', 'number', 'kvarh', 'totalImportedEnergyQT1', 'reactive energy imported, tariff 1'],
  ['1-0:3.8.2', 'number', 'kvarh', 'totalImportedEnergyQT2', 'reactive energy imported, tariff 2'],
  ['1-0:4.8.1', 'number', 'kvarh', 'totalExportedEnergyQT1', 'reactive energy exported, tariff 1'],
  ['1-0:4.8.2', 'number', 'kvarh', 'totalExportedEnergyQT2', 'reactive energy exported, tariff 2'],
  ['1-0:5.8.0', 'number', 'kvarh', 'totalReactiveEnergyQ1', 'reactive energy quadrant I'],
  ['1-0:6.8.0', 'number', 'kvarh', 'totalReactiveEnergyQ2', 'reactive energy quadrant II'],
  ['1-0:7.8.0', 'number', 'kvarh', 'totalReactiveEnergyQ3', 'reactive energy quadrant III'],
  ['1-0:8.8.0', 'number', 'kvarh', 'totalReactiveEnergyQ4', 'reactive energy quadrant IV'],
  ['1-0:15.8.0', 'number', 'kWh', 'totalAbsoluteEnergy', 'combined energy |import|+|export|'],
  ['0-0:96.14.0', 'text', null, 'currentTarrif', 'tariff indicator'],
  // instantaneous values
  ['1-0:1.7.0', 'number', 'kW', 'currentUsage', 'power imported'],
  ['1-0:2.7.0', 'number', 'kW', 'currentDelivery', 'power exported'],
  ['1-0:3.7.0', 'number', 'kvar', 'currentReactiveUsage', 'reactive power imported'],
  ['1-0:4.7.0', 'number', 'kvar', 'currentReactiveDelivery', 'reactive power exported'],
  ['1-0:5.7.0', 'number', 'kvar', 'currentReactivePowerQ1', 'reactive power quadrant I'],
  ['1-0:6.7.0', 'number', 'kvar', 'currentReactivePowerQ2', 'reactive power quadrant II'],
  ['1-0:7.7.0', 'number', 'kvar', 'currentReactivePowerQ3', 'reactive power quadrant III'],
  ['1-0:8.7.0', 'number', 'kvar', 'currentReactivePowerQ4', 'reactive power quadrant IV'],
  ['1-0:15.7.0', 'number', 'kW', 'currentAbsoluteUsage', 'combined power |import|+|export|'],
  ['1-0:13.7.0', 'number', null, 'powerFactor', 'power factor'],
  ['1-0:14.7.0', 'number', 'Hz', 'frequency', 'frequency'],
  ...PHASES.flatMap((i): Row[] => [
    [`1-0:${PHASE_C[i]}.7.0`, 'number', 'kW', `currentUsage${L[i]}`, `power imported ${L[i]}`],
    [
      `1-0:${PHASE_C[i] + 1}.7.0`,
      'number',
      'kW',
      `currentDelivery${L[i]}`,
      `power exported ${L[i]}`,
    ],
    [
      `1-0:${PHASE_C[i] + 2}.7.0`,
      'number',
      'kvar',
      `currentReactiveUsage${L[i]}`,
      `reactive power imported ${L[i]}`,
    ],
    [
      `1-0:${PHASE_C[i] + 3}.7.0`,
      'number',
      'kvar',
      `currentReactiveDelivery${L[i]}`,
      `reactive power exported ${L[i]}`,
    ],
    [`1-0:${PHASE_C[i] + 10}.7.0`, 'number', 'A', `current${L[i]}`, `current ${L[i]}`],
    [`1-0:${PHASE_C[i] + 11}.7.0`, 'number', 'V', `voltage${L[i]}`, `voltage ${L[i]}`],
    [`1-0:${PHASE_C[i] + 12}.7.0`, 'number', null, `powerFactor${L[i]}`, `power factor ${L[i]}`],
    [
      `1-0:${PHASE_C[i] + 10}.4.0`,
      'number',
      'A',
      `fuseThreshold${L[i]}`,
      `fuse supervision ${L[i]}`,
    ],
    [`1-0:${PHASE_C[i] + 11}.32.0`, 'number', null, `voltageSags${L[i]}`, `voltage sags ${L[i]}`],
    [
      `1-0:${PHASE_C[i] + 11}.36.0`,
      'number',
      null,
      `voltageSwells${L[i]}`,
      `voltage swells ${L[i]}`,
    ],
  ]),
  // limiter, breaker, failures, messages
  // No default unit: kW in DSMR 4/5, A in DSMR 3, kVA in Luxembourg.
  ['0-0:17.0.0', 'number', null, 'limiterThreshold', 'limiter threshold'],
  ['0-0:96.3.10', 'text', null, 'breakerControlState', 'breaker / switch position'],
  ['0-0:96.7.21', 'number', null, 'powerFailures', 'number of power failures'],
  ['0-0:96.7.9', 'number', null, 'longPowerFailures', 'number of long power failures'],
  ['1-0:99.97.0', 'event-log', null, 'powerFailureLog', 'long power failure event log'],
  ['0-0:96.13.1', 'text', null, 'textMessageCode', 'text message code'],
  ['0-0:96.13.0', 'text', null, 'textMessage', 'text message (hex)'],
  ['0-0:96.13.2', 'text', null, 'textMessage2', 'text message 2 (LU)'],
  ['0-0:96.13.3', 'text', null, 'textMessage3', 'text message 3 (LU)'],
  ['0-0:96.13.4', 'text', null, 'textMessage4', 'text message 4 (LU)'],
  ['0-0:96.13.5', 'text', null, 'textMessage5', 'text message 5 (LU)'],
  // Belgian capacity tariff
  ['1-0:1.4.0', 'number', 'kW', 'currentAverageDemand', 'current quarter-hour average demand'],
  ['1-0:1.6.0', 'reading', 'kW', 'maximumDemand', 'maximum quarter-hour demand this month'],
  [
    '0-0:98.1.0',
    'peak-history',
    'kW',
    'maximumDemandHistory',
    'monthly demand peaks, last 13 months',
  ],
];

const MBUS_ROWS: readonly Row[] = [1, 2, 3, 4].flatMap((n): Row[] => [
  [`0-${n}:24.1.0`, 'text', null, '', `M-Bus ${n} device type`],
  [`0-${n}:96.1.0`, 'text', null, '', `M-Bus ${n} equipment id`],
  [`0-${n}:96.1.1`, 'text', null, '', `M-Bus ${n} equipment id (BE)`],
  [`0-${n}:24.2.1`, 'reading', null, '', `M-Bus ${n} last reading`],
  [`0-${n}:24.2.3`, 'reading', null, '', `M-Bus ${n} last reading, not temperature corrected (BE)`],
  [`0-${n}:24.4.0`, 'text', null, '', `M-Bus ${n} valve position`],
  [`0-${n}:24.3.0`, 'legacy-reading', null, '', `M-Bus ${n} hourly reading (DSMR 2.2/3)`],
]);

export const OBIS_TABLE: ReadonlyMap<string, ObisDef> = new Map(
  [...ROWS, ...MBUS_ROWS].map(([obis, kind, unit, name, description]) => [
    obis,
    name === '' ? { obis, kind, unit, description } : { obis, kind, unit, name, description },
  ]),
);

/**
 * Table lookup without building a string per object: an id of up to 12
 * bytes is read as three big-endian 32-bit words (bytes past its end masked
 * off) and looked up by those words and its length. The key is the id's
 * bytes themselves, not a hash of them, so a match needs no second
 * comparison and costs three reads instead of a loop over the characters.
 */
export const MAX_KEY_BYTES = 12;

/** The length of the shortest id in the table. */
export const MIN_ID_BYTES = Math.min(...[...OBIS_TABLE.keys()].map((obis) => obis.length));

/**
 * `WORD_MASKS[3 * len + k]` keeps the bytes of word `k` that belong to an id
 * of `len` bytes. A table, not Math.min/max per word: the lookup runs once
 * per object line, and this is a measurable part of it.
 */
const WORD_MASKS: Int32Array = (() => {
  const byBytes = [0, 0xff000000 | 0, 0xffff0000 | 0, 0xffffff00 | 0, -1];
  const masks = new Int32Array(3 * (MAX_KEY_BYTES + 1));
  for (let len = 0; len <= MAX_KEY_BYTES; len++)
    for (let k = 0; k < 3; k++)
      masks[3 * len + k] = byBytes[Math.max(0, Math.min(4, len - 4 * k))]!;
  return masks;
})();

/** The four bytes at `i` as a big-endian word. Read byte by byte: cheaper than a DataView made per telegram. */
function word(b: Uint8Array, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}

const SLOTS = 1024; // power of two, > 4x the entries

function slotOf(w0: number, w1: number, w2: number, len: number): number {
  return (
    (Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2 ^ len, 0xc2b2ae35)) >>> 22
  );
}

/** Open-addressing table keyed by (words, length), built once. */
const SLOT_TABLE = (() => {
  const words = new Int32Array(SLOTS * 4);
  const defs: (ObisDef | undefined)[] = new Array<ObisDef | undefined>(SLOTS).fill(undefined);
  for (const def of OBIS_TABLE.values()) {
    const len = def.obis.length;
    if (len > MAX_KEY_BYTES)
      throw new Error(`OBIS table id ${def.obis} is longer than ${MAX_KEY_BYTES}`);
    const bytes = Buffer.alloc(MAX_KEY_BYTES);
    bytes.write(def.obis, 'latin1');
    const key = [0, 1, 2].map((k) => word(bytes, 4 * k) & WORD_MASKS[3 * len + k]!);
    let i = slotOf(key[0]!, key[1]!, key[2]!, len);
    while (defs[i] !== undefined) i = (i + 1) & (SLOTS - 1);
    words.set([...key, len], i * 4);
    defs[i] = def;
  }
  return { words, defs };
})();

/**
 * The definition of the id `b[at, at + len)`, if the table has it; `b` must
 * have `MAX_KEY_BYTES` readable bytes from `at` and `len <= MAX_KEY_BYTES`.
 */
export function lookupObis(b: Uint8Array, at: number, len: number): ObisDef | undefined {
  const m = 3 * len;
  const w0 = word(b, at) & WORD_MASKS[m]!;
  const w1 = word(b, at + 4) & WORD_MASKS[m + 1]!;
  const w2 = word(b, at + 8) & WORD_MASKS[m + 2]!;
  const { words, defs } = SLOT_TABLE;
  let i = slotOf(w0, w1, w2, len);
  for (let def = defs[i]; def !== undefined; def = defs[i]) {
    const k = i * 4;
    if (words[k] === w0 && words[k + 1] === w1 && words[k + 2] === w2 && words[k + 3] === len)
      return def;
    i = (i + 1) & (SLOTS - 1);
  }
  return undefined;
}
