/**
 * Dutch meters: DSMR 5 (an Iskra AM550, the object order of the DSMR 5.0.2
 * example), DSMR 4.2 (a Kaifa, whose telegrams carry no voltages and put
 * import/export per phase pairwise) and DSMR 2.2 (an Iskra MT382: no
 * version, no clock, power with 2 decimals, the gas reading in the two-line
 * 0-n:24.3.0 form, no CRC). Modelled on the fixtures of those meters.
 */
import { PHASE_CODE, cosem, fixed, hexText, int, register } from '../format.js';
import type { MeterIdentity } from '../identity.js';
import { dsmrTimestamp } from '../local-time.js';
import type { MeterReading } from '../types.js';
import {
  gasReading,
  kw,
  perPhase,
  phasePowers,
  powerFailures,
  sagsAndSwells,
  tariffRegisters,
} from './common.js';
import type { TelegramText } from './layout.js';

function equipmentId(id: MeterIdentity): string {
  return hexText(`E${id.meterDigits}`);
}

function gasId(id: MeterIdentity): string {
  return hexText(`G${id.gasDigits}`);
}

/** Lines common to DSMR 4.2 and 5 up to the actual power. */
function dsmr4Head(r: MeterReading, id: MeterIdentity, p1Version: string): string[] {
  return [
    cosem('1-3:0.2.8', p1Version),
    cosem('0-0:1.0.0', dsmrTimestamp(r.timeMs)),
    cosem('0-0:96.1.1', equipmentId(id)),
    ...tariffRegisters(r.energy),
    cosem('0-0:96.14.0', int(r.tariff, 4)),
    cosem('1-0:1.7.0', kw(r.importKw)),
    cosem('1-0:2.7.0', kw(r.exportKw)),
    ...powerFailures(id),
    ...sagsAndSwells(id, r.phases.length),
  ];
}

function gasChannel(r: MeterReading, id: MeterIdentity): string[] {
  if (r.gas === null) return [];
  return [
    cosem('0-1:24.1.0', '003'),
    cosem('0-1:96.1.0', gasId(id)),
    cosem('0-1:24.2.1', ...gasReading(r.gas)),
  ];
}

export function dutch5(r: MeterReading, id: MeterIdentity): TelegramText {
  return {
    header: `ISK5\\2M550T-1012`,
    lines: [
      ...dsmr4Head(r, id, '50'),
      cosem('0-0:96.13.0', ''),
      ...perPhase(r.phases, PHASE_CODE.voltage, (p) => `${fixed(p.voltage, 3, 1)}*V`),
      ...perPhase(r.phases, PHASE_CODE.current, (p) => `${int(p.currentA, 3)}*A`),
      ...phasePowers(r.phases),
      ...gasChannel(r, id),
    ],
  };
}

export function dutch42(r: MeterReading, id: MeterIdentity): TelegramText {
  return {
    header: 'KFM5KAIFA-METER',
    lines: [
      ...dsmr4Head(r, id, '42'),
      cosem('0-0:96.13.1', ''),
      cosem('0-0:96.13.0', ''),
      ...perPhase(r.phases, PHASE_CODE.current, (p) => `${int(p.currentA, 3)}*A`),
      ...r.phases.flatMap((p, i) => [
        cosem(`1-0:${PHASE_CODE.importKw[i]}.7.0`, kw(p.importKw)),
        cosem(`1-0:${PHASE_CODE.exportKw[i]}.7.0`, kw(p.exportKw)),
      ]),
      ...gasChannel(r, id),
    ],
  };
}

export function dutch22(r: MeterReading, id: MeterIdentity): TelegramText {
  const power = (v: number): string => `${fixed(v, 4, 2)}*kW`;
  const gas =
    r.gas === null
      ? []
      : [
          cosem('0-1:24.1.0', '3'),
          cosem('0-1:96.1.0', gasId(id)),
          // Capture time without DST flag, status, interval (min), value count, value id, unit;
          // the value follows on its own line.
          cosem(
            '0-1:24.3.0',
            dsmrTimestamp(r.gas.capturedMs, false),
            '00',
            '60',
            '1',
            '0-1:24.2.1',
            'm3',
          ),
          `(${register(r.gas.m3, 5, 3)})`,
          cosem('0-1:24.4.0', '1'),
        ];
  return {
    header: 'ISk5\\2MT382-1004',
    lines: [
      cosem('0-0:96.1.1', equipmentId(id)),
      ...tariffRegisters(r.energy, 5),
      cosem('0-0:96.14.0', int(r.tariff, 4)),
      cosem('1-0:1.7.0', power(r.importKw)),
      cosem('1-0:2.7.0', power(r.exportKw)),
      cosem('0-0:17.0.0', '0999.00*kW'),
      cosem('0-0:96.3.10', '1'),
      cosem('0-0:96.13.1', ''),
      cosem('0-0:96.13.0', ''),
      ...gas,
    ],
  };
}
