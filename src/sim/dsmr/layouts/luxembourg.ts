/**
 * Luxembourg Smarty (Sagemcom T210-D, P1 version 42): totals only (no
 * tariff registers or indicator), reactive energy and power, the limiter in
 * kVA, the COSEM logical device name, four extra message objects, currents
 * per phase. Modelled on the Smarty fixtures; on the wire it is encrypted
 * (encrypt.ts).
 */
import { PHASE_CODE, cosem, fixed, hexText, int, register } from '../format.js';
import type { MeterIdentity } from '../identity.js';
import { dsmrTimestamp } from '../local-time.js';
import type { MeterReading } from '../types.js';
import { gasReading, kw, perPhase, sagsAndSwells } from './common.js';
import type { TelegramText } from './layout.js';

export function luxembourg5(r: MeterReading, id: MeterIdentity): TelegramText {
  const e = r.energy;
  const total = (t: readonly [number, number], unit: string): string =>
    `${register(t[0] + t[1], 6, 3)}*${unit}`;
  const kvar = (v: number): string => `${fixed(v, 2, 3)}*kvar`;
  const gas =
    r.gas === null
      ? []
      : [
          cosem('0-1:24.1.0', '003'),
          cosem('0-1:96.1.0', hexText(`G${id.gasDigits}`)),
          cosem('0-1:24.2.1', ...gasReading(r.gas)),
          cosem('0-1:24.4.0', '1'),
        ];
  return {
    header: `Lux5\\2${id.meterDigits.slice(0, 8)}_D`,
    lines: [
      cosem('1-3:0.2.8', '42'),
      cosem('0-0:1.0.0', dsmrTimestamp(r.timeMs)),
      cosem('0-0:42.0.0', hexText(`SAG${id.meterDigits.slice(0, 13)}`)),
      cosem('1-0:1.8.0', total(e.importKwh, 'kWh')),
      cosem('1-0:2.8.0', total(e.exportKwh, 'kWh')),
      cosem('1-0:3.8.0', `${register(e.reactiveImportKvarh, 6, 3)}*kvarh`),
      cosem('1-0:4.8.0', `${register(e.reactiveExportKvarh, 6, 3)}*kvarh`),
      cosem('1-0:1.7.0', kw(r.importKw)),
      cosem('1-0:2.7.0', kw(r.exportKw)),
      cosem('1-0:3.7.0', kvar(r.reactiveImportKvar)),
      cosem('1-0:4.7.0', kvar(r.reactiveExportKvar)),
      cosem('0-0:17.0.0', '27.600*kVA'),
      cosem('0-0:96.3.10', '1'),
      cosem('0-0:96.7.21', int(id.powerFailures, 5)),
      ...sagsAndSwells(id, r.phases.length),
      ...['0', '2', '3', '4', '5'].map((n) => cosem(`0-0:96.13.${n}`, '')),
      ...perPhase(r.phases, PHASE_CODE.current, (p) => `${int(p.currentA, 3)}*A`),
      ...gas,
    ],
  };
}
