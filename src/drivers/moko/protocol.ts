/**
 * Facts of the Moko V1 protocol (spec §3) shared by the driver, the
 * simulator and provisioning: field names, value ranges, result codes.
 */

/** The topics (function fields) a plug publishes under `device/`. */
export const DEVICE_FIELDS = {
  switchState: 'switch_state',
  firmware: 'firmware_infor',
  countdown: 'delay_time',
  ota: 'ota_upgrade_state',
  deleted: 'delete_device',
  electricity: 'electricity_information',
} as const;

/** The topics a plug subscribes to under `app/`. */
export const APP_FIELDS = {
  switchState: 'switch_state',
  countdown: 'delay_time',
  reset: 'reset',
  upgrade: 'upgrade',
  readFirmware: 'read_firmware_infor',
} as const;

/** The longest countdown the plug takes: 23 h 59 min (delay_hour 0-23, delay_minute 0-59). */
export const MAX_COUNTDOWN_S = 23 * 3600 + 59 * 60;

/** ota_upgrade_state results (spec §3.2.4). */
export const OTA_RESULTS: Readonly<Record<string, { ok: boolean; meaning: string }>> = {
  R1: { ok: true, meaning: 'the firmware upgrade succeeded' },
  R2: { ok: false, meaning: 'the plug reached the HTTP server, but the upgrade failed' },
  R3: { ok: false, meaning: 'the plug could not connect to the HTTP server, even after retrying' },
  R4: { ok: false, meaning: 'the plug could not resolve the firmware host name to an IP address' },
};

/** The catalogue of an upgrade must be shorter than this many bytes (spec §3.3.4). */
export const MAX_CATALOGUE_BYTES = 100;

/** Moko reports switch_state at least this often; the apps call a plug offline after 62 s. */
export const HEARTBEAT_S = 30;

/** A whole number from 0 to `max`, as the spec's integer fields are. */
export function intIn(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}
