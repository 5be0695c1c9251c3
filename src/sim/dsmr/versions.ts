/** What differs between the simulated meter generations. */
import { HOUR_MS, MINUTE_MS } from './local-time.js';
import { belgian5 } from './layouts/belgian.js';
import { dutch22, dutch42, dutch5 } from './layouts/dutch.js';
import type { Layout } from './layouts/layout.js';
import { luxembourg5 } from './layouts/luxembourg.js';
import type { TariffRule } from './tariff.js';
import type { DsmrVersion } from './types.js';

export interface VersionSpec {
  /** For people: "DSMR 5", "DSMR 5B (Belgium, Fluvius)". */
  readonly label: string;
  /** Seconds between telegrams on the real meters. */
  readonly defaultIntervalS: number;
  /** How often the gas meter's reading is refreshed. */
  readonly gasCaptureMs: number;
  readonly tariffRule: TariffRule;
  /** Solar panels unless told otherwise: where the fixtures show export. */
  readonly solarByDefault: boolean;
  readonly hasCrc: boolean;
  readonly layout: Layout;
}

export const VERSION_SPECS: Readonly<Record<DsmrVersion, VersionSpec>> = {
  '5': {
    label: 'DSMR 5',
    defaultIntervalS: 1,
    gasCaptureMs: 5 * MINUTE_MS,
    tariffRule: 'nl',
    solarByDefault: true,
    hasCrc: true,
    layout: dutch5,
  },
  '4.2': {
    label: 'DSMR 4.2',
    defaultIntervalS: 10,
    gasCaptureMs: HOUR_MS,
    tariffRule: 'nl',
    solarByDefault: false,
    hasCrc: true,
    layout: dutch42,
  },
  '2.2': {
    label: 'DSMR 2.2',
    defaultIntervalS: 10,
    gasCaptureMs: HOUR_MS,
    tariffRule: 'nl',
    solarByDefault: false,
    hasCrc: false,
    layout: dutch22,
  },
  '5B': {
    label: 'DSMR 5B (Belgium, Fluvius)',
    defaultIntervalS: 1,
    gasCaptureMs: 5 * MINUTE_MS,
    tariffRule: 'be',
    solarByDefault: true,
    hasCrc: true,
    layout: belgian5,
  },
  '5L': {
    // Smarty meters push every 10 s (weigu.lu smartyReader notes).
    label: 'DSMR 5L (Luxembourg Smarty)',
    defaultIntervalS: 10,
    gasCaptureMs: 5 * MINUTE_MS,
    // Smarty telegrams show totals only, so how the registers split by tariff is never seen.
    tariffRule: 'nl',
    solarByDefault: false,
    hasCrc: true,
    layout: luxembourg5,
  },
};
