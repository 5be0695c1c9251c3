/**
 * What we publish to a Moko V1 plug (spec §3.3), as pure functions of the
 * plug's topic base. Power, countdown and poll are reached through the
 * driver's encode(); reset and upgrade are exported for a CLI or an API.
 */
import { isIPv4 } from 'node:net';
import type { OutboundMessage } from '../../core/commands.js';
import { HubError } from '../../core/errors.js';
import { APP_FIELDS, MAX_CATALOGUE_BYTES, MAX_COUNTDOWN_S } from './protocol.js';
import { appTopic } from './topics.js';

function message(base: string, field: string, body: object): OutboundMessage {
  // QoS 1: a plug drops nothing the broker has taken, and Moko has no reply to most commands.
  return { topic: appTopic(base, field), payload: JSON.stringify(body), qos: 1 };
}

export function encodeSwitch(base: string, on: boolean): OutboundMessage {
  return message(base, APP_FIELDS.switchState, { switch_state: on ? 'on' : 'off' });
}

/**
 * A countdown of `seconds` that ends in `target`. The plug counts down in
 * whole minutes (delay_hour, delay_minute) and, when it expires, switches to
 * the opposite of the state it had when the countdown started. A countdown to
 * the state the plug is in now therefore switches it first ("on now, off in N
 * minutes", like Tasmota's PulseTime); the plug handles messages in order, so
 * the switch cannot cancel the countdown that follows it.
 */
export function encodeCountdown(
  base: string,
  seconds: number,
  target: 'on' | 'off',
  currentlyOn: boolean,
): OutboundMessage[] {
  if (
    !Number.isInteger(seconds) ||
    seconds < 60 ||
    seconds % 60 !== 0 ||
    seconds > MAX_COUNTDOWN_S
  ) {
    throw new HubError(
      'bad_request',
      `Moko plugs count down in whole minutes from 1 minute to 23:59 (60 to ${MAX_COUNTDOWN_S} s, ` +
        `a multiple of 60); got ${String(seconds)} s` +
        (typeof seconds === 'number' && seconds > MAX_COUNTDOWN_S ? ' (longer than 23:59)' : ''),
    );
  }
  if (target !== 'on' && target !== 'off') {
    throw new HubError('bad_request', `countdown state must be on or off, got ${String(target)}`);
  }
  const minutes = seconds / 60;
  const out: OutboundMessage[] = [];
  if ((target === 'on') === currentlyOn) out.push(encodeSwitch(base, !currentlyOn));
  out.push(
    message(base, APP_FIELDS.countdown, {
      delay_hour: Math.floor(minutes / 60),
      delay_minute: minutes % 60,
    }),
  );
  return out;
}

/** Ask for firmware_infor. Moko V1 has no request for the switch state: it comes every 30 s. */
export function encodeReadFirmware(base: string): OutboundMessage {
  return message(base, APP_FIELDS.readFirmware, {});
}

/** Factory reset: the plug forgets its Wi-Fi and broker and goes back to AP mode. */
export function encodeReset(base: string): OutboundMessage {
  return message(base, APP_FIELDS.reset, {});
}

/** The body of app/upgrade (spec §3.3.4). */
export interface UpgradeRequest {
  /** 0: realm is an IP address; 1: a domain name. */
  type: 0 | 1;
  realm: string;
  port: number;
  catalogue: string;
}

/**
 * The upgrade request for a firmware URL the user gives, e.g.
 * `http://23.83.237.116/smartplug/20180623/user2.1024.new.2.bin`. The plug
 * fetches its own image file from the folder (catalogue), so a file name at
 * the end is dropped: the spec's example gives catalogue `smartplug/20180623/`.
 */
export function upgradeRequest(firmwareUrl: string): UpgradeRequest {
  let url: URL;
  try {
    url = new URL(firmwareUrl);
  } catch {
    throw new HubError('bad_request', `firmware URL is not a URL: ${JSON.stringify(firmwareUrl)}`);
  }
  if (url.protocol !== 'http:')
    throw new HubError(
      'bad_request',
      `the plug fetches firmware over plain HTTP; got ${url.protocol} in ${firmwareUrl}`,
    );
  if (url.username || url.password || url.search || url.hash)
    throw new HubError(
      'bad_request',
      `the plug cannot send credentials, a query or a fragment: ${firmwareUrl}`,
    );
  const realm = url.hostname;
  if (realm.startsWith('['))
    throw new HubError(
      'bad_request',
      `the plug needs an IPv4 address or a host name, not IPv6: ${realm}`,
    );
  const path = decodeURIComponent(url.pathname.slice(1));
  const catalogue = path.slice(0, path.lastIndexOf('/') + 1);
  if (Buffer.byteLength(catalogue) >= MAX_CATALOGUE_BYTES)
    throw new HubError(
      'bad_request',
      `the firmware folder must be under ${MAX_CATALOGUE_BYTES} bytes: ${catalogue}`,
    );
  return { type: isIPv4(realm) ? 0 : 1, realm, port: url.port ? Number(url.port) : 80, catalogue };
}

export function encodeUpgrade(base: string, firmwareUrl: string): OutboundMessage {
  return message(base, APP_FIELDS.upgrade, upgradeRequest(firmwareUrl));
}
