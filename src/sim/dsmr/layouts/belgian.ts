/**
 * Belgian DSMR 5 (Fluvius, e-MUCS 1.7.1 `0-0:96.1.4(50217)`): ids in the
 * M-Bus style `0-n:96.1.1`, the capacity tariff registers (1-0:1.4.0 current
 * quarter-hour demand, 1-0:1.6.0 month peak, 0-0:98.1.0 earlier months),
 * currents with two decimals, and gas not temperature-corrected on
 * 0-1:24.2.3. Modelled on the Fluvius fixtures.
 */
import { PHASE_CODE, cosem, fixed, hexText, int } from '../format.js';
import type { MeterIdentity } from '../identity.js';
import { dsmrTimestamp } from '../local-time.js';
import type { DemandReading, MeterReading } from '../types.js';
import { gasReading, kw, perPhase, phasePowers, tariffRegisters } from './common.js';
import type { TelegramText } from './layout.js';

function demandLines(d: DemandReading): string[] {
  const history = d.history.flatMap((m) => [
    dsmrTimestamp(m.monthMs),
    dsmrTimestamp(m.occurredMs),
    kw(m.kw),
  ]);
  return [
    cosem('1-0:1.4.0', kw(d.currentKw)),
    cosem('1-0:1.6.0', dsmrTimestamp(d.monthPeak.occurredMs), kw(d.monthPeak.kw)),
    cosem('0-0:98.1.0', String(d.history.length), '1-0:1.6.0', '1-0:1.6.0', ...history),
  ];
}

export function belgian5(r: MeterReading, id: MeterIdentity): TelegramText {
  const gas =
    r.gas === null
      ? []
      : [
          cosem('0-1:24.1.0', '003'),
          cosem('0-1:96.1.1', hexText(`7FLO${id.gasDigits.slice(0, 10)}`)),
          cosem('0-1:24.4.0', '1'),
          cosem('0-1:24.2.3', ...gasReading(r.gas)),
        ];
  return {
    header: `FLU5\\2${id.meterDigits.slice(0, 8)}_A`,
    lines: [
      cosem('0-0:96.1.4', '50217'),
      cosem('0-0:96.1.1', hexText(`1SAG${id.meterDigits.slice(0, 10)}`)),
      cosem('0-0:1.0.0', dsmrTimestamp(r.timeMs)),
      ...tariffRegisters(r.energy),
      cosem('0-0:96.14.0', int(r.tariff, 4)),
      ...demandLines(r.demand),
      cosem('1-0:1.7.0', kw(r.importKw)),
      cosem('1-0:2.7.0', kw(r.exportKw)),
      ...phasePowers(r.phases),
      ...perPhase(r.phases, PHASE_CODE.voltage, (p) => `${fixed(p.voltage, 3, 1)}*V`),
      ...perPhase(r.phases, PHASE_CODE.current, (p) => `${fixed(p.currentA, 3, 2)}*A`),
      cosem('0-0:96.3.10', '1'),
      cosem('0-0:17.0.0', '999.9*kW'),
      cosem('1-0:31.4.0', '999*A'),
      cosem('0-0:96.13.0', ''),
      ...gas,
    ],
  };
}
