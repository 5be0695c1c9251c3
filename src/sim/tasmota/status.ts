import type { TasmotaDevice } from './device.js';
import { FIRMWARE_VERSION_FULL } from './device.js';
import type { JsonValue } from './format.js';
import { localTime, uptimeText } from './format.js';

/**
 * Bodies of the `Status <n>` replies (CmndStatus) and the INFO1..3 boot
 * messages: enough keys, in firmware order, to be believable.
 */

type Body = { [key: string]: JsonValue };

/** Status numbers `Status 0` publishes, in order (8 is only on request). */
export const STATUS_ALL = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11] as const;
export const MAX_STATUS = 13;

export function moduleName(relays: number): string {
  return relays === 1 ? 'Sonoff Pow R2' : 'Generic';
}

function moduleNumber(relays: number): number {
  return relays === 1 ? 43 : 18;
}

export function friendlyNames(relays: number): string[] {
  return Array.from({ length: relays }, (_, i) => (i === 0 ? 'Tasmota' : `Tasmota${i + 1}`));
}

/** Last Sunday of `month` (0-based) in `year` at `hour`:00, epoch ms. */
function lastSunday(year: number, month: number, hour: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, hour));
  last.setUTCDate(last.getUTCDate() - last.getUTCDay());
  return last.getTime();
}

export interface StatusEnv {
  mqttHost: string;
  mqttPort: number;
}

/** `[top-level key, body]` of STATUS<n>, or undefined when the device has nothing to say. */
export function statusBody(
  d: TasmotaDevice,
  n: number,
  env: StatusEnv,
): [string, Body] | undefined {
  const id = d.identity;
  const flag = (b: boolean): number => (b ? 1 : 0);
  switch (n) {
    case 0:
      return [
        'Status',
        {
          Module: moduleNumber(d.relays),
          DeviceName: 'Tasmota',
          FriendlyName: friendlyNames(d.relays),
          Topic: id.topic,
          ButtonTopic: '0',
          Power: d.powerMask(),
          PowerLock: '0',
          PowerOnState: 3,
          LedState: 1,
          LedMask: 'FFFF',
          SaveData: 1,
          SaveState: 1,
          SwitchTopic: '0',
          SwitchMode: [0, 0, 0, 0, 0, 0, 0, 0],
          ButtonRetain: 0,
          SwitchRetain: 0,
          SensorRetain: flag(d.flags.sensorRetain),
          PowerRetain: flag(d.flags.powerRetain),
          InfoRetain: 0,
          StateRetain: flag(d.flags.stateRetain),
          StatusRetain: 0,
        },
      ];
    case 1:
      return [
        'StatusPRM',
        {
          Baudrate: 4800,
          SerialConfig: '8E1',
          GroupTopic: d.layout.groupTopic,
          OtaUrl: 'http://ota.tasmota.com/tasmota/release/tasmota.bin.gz',
          RestartReason: 'Power On',
          Uptime: uptimeText(d.uptimeSeconds()),
          StartupUTC: localTime(d.timeValid ? d.bootMs : 0),
          Sleep: 50,
          CfgHolder: 4617,
          BootCount: id.bootCount,
          BCResetTime: localTime(d.energy.totalStartMs),
          SaveCount: id.bootCount * 7,
        },
      ];
    case 2:
      return [
        'StatusFWR',
        {
          Version: FIRMWARE_VERSION_FULL,
          BuildDateTime: '2024-10-08T12:00:00',
          Boot: 31,
          Core: '2_7_7',
          SDK: '2.2.2-dev(38a443e)',
          CpuFrequency: 80,
          Hardware: 'ESP8266EX',
          CR: '378/699',
        },
      ];
    case 3:
      return [
        'StatusLOG',
        {
          SerialLog: 0,
          WebLog: 2,
          MqttLog: 0,
          SysLog: 0,
          LogHost: '',
          LogPort: 514,
          SSId: ['wattbridge-sim', ''],
          TelePeriod: d.telePeriodS,
          Resolution: '558180C0',
          SetOption: [
            '00008009',
            '2805C80001000600003C5A0A192800000000',
            '00000080',
            '00006000',
            '00004000',
            '00000000',
          ],
        },
      ];
    case 4:
      return [
        'StatusMEM',
        {
          ProgramSize: 629,
          Free: 372,
          Heap: 25,
          ProgramFlashSize: 1024,
          FlashSize: 1024,
          FlashChipId: '14325E',
          FlashFrequency: 40,
          FlashMode: 'DOUT',
          Features: [
            '00000809',
            '8FDAC787',
            '04368001',
            '000000CF',
            '010013C0',
            'C000F981',
            '00004004',
            '00001000',
            '04000020',
          ],
          Drivers: '1,2,3,4,5,6,7,8,9,10,12,16,18,19,20,21,22,24,26,27,29,30,35,37,45,62',
          Sensors: '1,2,3,4,5,6',
        },
      ];
    case 5:
      return [
        'StatusNET',
        {
          Hostname: id.hostname,
          IPAddress: id.ip,
          Gateway: id.gateway,
          Subnetmask: '255.255.255.0',
          DNSServer1: id.gateway,
          DNSServer2: '0.0.0.0',
          Mac: id.macColons,
          Webserver: 2,
          HTTP_API: 1,
          WifiConfig: 4,
          WifiPower: 17,
        },
      ];
    case 6:
      return [
        'StatusMQT',
        {
          MqttHost: env.mqttHost,
          MqttPort: env.mqttPort,
          MqttClientMask: 'DVES_%06X',
          MqttClient: id.clientId,
          MqttUser: 'DVES_USER',
          MqttCount: d.mqttCount,
          MAX_PACKET_SIZE: 1200,
          KEEPALIVE: 30,
          SOCKET_TIMEOUT: 4,
        },
      ];
    case 7: {
      const now = d.deviceTime();
      const year = new Date(now).getUTCFullYear();
      return [
        'StatusTIM',
        {
          UTC: localTime(now),
          Local: localTime(now),
          StartDST: localTime(lastSunday(year, 2, 2)),
          EndDST: localTime(lastSunday(year, 9, 3)),
          Timezone: '+00:00',
        },
      ];
    }
    case 8:
    case 10:
      return ['StatusSNS', d.sensorJson()];
    case 9:
      return [
        'StatusPTH',
        {
          PowerDelta: [0, 0, 0],
          PowerLow: 0,
          PowerHigh: 0,
          VoltageLow: 0,
          VoltageHigh: 0,
          CurrentLow: 0,
          CurrentHigh: 0,
        },
      ];
    case 11:
      return ['StatusSTS', d.stateJson()];
    default:
      return undefined;
  }
}

/** INFO1..3, published once after boot. */
export function infoBodies(d: TasmotaDevice): Array<[string, Body]> {
  return [
    [
      'INFO1',
      {
        Info1: {
          Module: moduleName(d.relays),
          Version: FIRMWARE_VERSION_FULL,
          FallbackTopic: d.layout.fallbackTopicBase(),
          GroupTopic: d.layout.groupTopicBase(),
        },
      },
    ],
    [
      'INFO2',
      {
        Info2: { WebServerMode: 'Admin', Hostname: d.identity.hostname, IPAddress: d.identity.ip },
      },
    ],
    ['INFO3', { Info3: { RestartReason: 'Power On', BootCount: d.identity.bootCount } }],
  ];
}
