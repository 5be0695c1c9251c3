/**
 * Unit spellings seen on the wire, mapped to the DSMR unit they are stored
 * in. `exp` is the power of ten the value is multiplied by: Austrian
 * Sagemcom and EasyMeter Q3D send Wh/W (exp -3 -> kWh/kW), Swedish Kamstrup
 * writes kVArh. Applying the scale to the decimal mantissa (not to a float)
 * keeps `6545766 Wh` exactly `6545.766 kWh`.
 */
export interface UnitSpec {
  readonly unit: string;
  readonly exp: number;
}

function spec(unit: string, exp = 0): UnitSpec {
  return { unit, exp };
}

const KWH = spec('kWh');
const KW = spec('kW');
const KVARH = spec('kvarh');
const KVAR = spec('kvar');
const KVA = spec('kVA');

const EXACT: ReadonlyMap<string, UnitSpec> = new Map([
  ['kWh', KWH],
  ['Wh', spec('kWh', -3)],
  ['MWh', spec('kWh', 3)],
  ['kW', KW],
  ['W', spec('kW', -3)],
  ['kvarh', KVARH],
  ['kVArh', KVARH],
  ['kVarh', KVARH],
  ['varh', spec('kvarh', -3)],
  ['VArh', spec('kvarh', -3)],
  ['kvar', KVAR],
  ['kVAr', KVAR],
  ['kVar', KVAR],
  ['var', spec('kvar', -3)],
  ['VAr', spec('kvar', -3)],
  ['kVA', KVA],
  ['VA', spec('kVA', -3)],
  ['V', spec('V')],
  ['A', spec('A')],
  ['Hz', spec('Hz')],
  ['s', spec('s')],
  ['m3', spec('m3')],
  ['dm3', spec('m3', -3)],
  ['GJ', spec('GJ')],
  ['MJ', spec('GJ', -3)],
]);

// Upper-case spellings (`KWH`, `M3`) are looked up case-insensitively; the
// exact table comes first because `MWh` and `mWh` differ by 10^6.
const FOLDED: ReadonlyMap<string, UnitSpec> = new Map(
  [...EXACT].filter(([k]) => k !== 'MWh' && k !== 'MJ').map(([k, v]) => [k.toLowerCase(), v]),
);

/** The canonical unit for a unit text; unknown units are kept as sent, unscaled. */
export function unitSpec(text: string): UnitSpec {
  return EXACT.get(text) ?? FOLDED.get(text.toLowerCase()) ?? spec(text);
}
