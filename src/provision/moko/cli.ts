import { parseFlags, UsageError, argsOrExit, type CommandIo } from '../../cli/usage-error.js';
import { nativeIdOfMac } from '../../drivers/moko/topics.js';
import { HEADER, topicBase, WIFI_SECURITY, type PlugIdentity } from './codes.js';
import {
  provisionMoko,
  ProvisionError,
  type ProvisionProgress,
  type StepOutcome,
} from './session.js';
import { InvalidSetting, planProvisioning, type ProvisionPlan } from './validate.js';

const PROVISION_MOKO_USAGE = `Usage: wattbridge provision moko --mqtt-url URL --wifi-ssid NAME [flags]

Set up a Moko MK102/MK112 plug in AP mode (hold its button until the LED
blinks, then join its Wi-Fi): tell it the MQTT broker and the Wi-Fi network
to use. It then leaves AP mode, joins the network and connects to the broker,
where wattbridge finds it.

  --plug HOST:PORT       the plug in AP mode (default 192.168.4.1:8266)
  --mqtt-url URL         mqtt://USER:PASSWORD@HOST:PORT (TCP) or mqtts://... (SSL);
                         host 1-64 bytes, user and password 1-32 bytes each
  --keepalive S          MQTT keepalive, 60..120 seconds (default 60)
  --qos N                QoS 0..2 (default 1)
  --clean-session        ask for a clean MQTT session (default: persistent)
  --client-id ID         MQTT client id, up to 32 bytes (default: the plug's MAC)
  --wifi-ssid NAME       the Wi-Fi network to join
  --wifi-password SECRET its password (up to 64 bytes; empty for an open network)
  --wifi-security N      0 open, 1 WEP, 2 WPA_PSK, 3 WPA2_PSK, 4 WPA/WPA2_PSK (default 3)
  --timeout S            seconds to wait for each answer (default 5)
  --json                 print the plug's identity and the outcome as JSON
  -h, --help             this text

Exit status: 0 provisioned, 1 the plug failed or could not be reached, 2 a bad
setting (nothing was sent).
`;

const STEP_WORDS: Record<number, string> = {
  [HEADER.mqtt]: 'MQTT settings',
  [HEADER.wifi]: 'Wi-Fi settings',
};

interface Args {
  settings: Parameters<typeof planProvisioning>[0];
  timeoutS: number;
  json: boolean;
  help: boolean;
}

function intFlag(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text))
    throw new InvalidSetting(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function parse(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      plug: { type: 'string' },
      'mqtt-url': { type: 'string' },
      keepalive: { type: 'string' },
      qos: { type: 'string' },
      'clean-session': { type: 'boolean' },
      'client-id': { type: 'string' },
      'wifi-ssid': { type: 'string' },
      'wifi-password': { type: 'string' },
      'wifi-security': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const help = values.help ?? false;
  if (!help && values['mqtt-url'] === undefined) throw new UsageError('--mqtt-url is required');
  if (!help && values['wifi-ssid'] === undefined) throw new UsageError('--wifi-ssid is required');
  const timeoutS = Number(values.timeout ?? '5');
  if (!(timeoutS > 0 && timeoutS <= 120))
    throw new UsageError(`--timeout must be 0 to 120 seconds, got "${values.timeout}"`);
  return {
    settings: {
      plug: values.plug ?? '192.168.4.1:8266',
      mqttUrl: values['mqtt-url'] ?? '',
      keepalive: intFlag('keepalive', values.keepalive, 60),
      qos: intFlag('qos', values.qos, 1),
      cleanSession: values['clean-session'] ?? false,
      ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
      wifiSsid: values['wifi-ssid'] ?? '',
      wifiPassword: values['wifi-password'] ?? '',
      wifiSecurity: intFlag('wifi-security', values['wifi-security'], 3),
    },
    timeoutS,
    json: values.json ?? false,
    help,
  };
}

function describePlug(id: PlugIdentity): string {
  const metering =
    id.device_type === '1'
      ? 'with power metering'
      : id.device_type === '0'
        ? 'without power metering'
        : `device type ${id.device_type}`;
  return `${id.device_function} ${id.device_name} (${id.device_specifications}), MAC ${id.device_mac}, ${metering}`;
}

function stepLine(step: StepOutcome, plan: ProvisionPlan, settings: Args['settings']): string {
  const b = plan.broker;
  const detail =
    step.header === HEADER.mqtt
      ? `${b.tls ? 'mqtts' : 'mqtt'}://${b.username}@${b.host}:${b.port}, keepalive ${settings.keepalive} s, QoS ${settings.qos}, ${settings.cleanSession ? 'clean' : 'persistent'} session`
      : `"${settings.wifiSsid}", ${WIFI_SECURITY[settings.wifiSecurity]}`;
  return `${step.header} ${STEP_WORDS[step.header]}: accepted (${detail})\n`;
}

function jsonReport(
  plan: ProvisionPlan | undefined,
  progress: ProvisionProgress,
  err?: ProvisionError | InvalidSetting,
): string {
  const id = progress.identity;
  return (
    JSON.stringify({
      ok: err === undefined,
      plug: id ?? null,
      ...(id ? { deviceId: nativeIdOfMac(id.device_mac) ?? null, topic: topicBase(id) } : {}),
      ...(plan ? { broker: plan.broker } : {}),
      steps: progress.steps,
      ...(err
        ? {
            error:
              err instanceof ProvisionError
                ? {
                    kind: err.kind,
                    step: err.step ?? null,
                    code: err.code ?? null,
                    message: err.message,
                  }
                : { kind: 'invalid-setting', step: null, code: null, message: err.message },
          }
        : {}),
    }) + '\n'
  );
}

/** `wattbridge provision moko ...` — `argv` holds the arguments after `provision moko`. */
export async function provisionMokoCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = argsOrExit(
    'provision moko',
    PROVISION_MOKO_USAGE,
    io,
    () => parse(argv),
    (err): err is Error => err instanceof UsageError || err instanceof InvalidSetting,
  );
  if ('exit' in args) return args.exit;
  let plan: ProvisionPlan;
  try {
    plan = planProvisioning(args.settings);
  } catch (err) {
    if (!(err instanceof InvalidSetting)) throw err;
    if (args.json) io.stdout.write(jsonReport(undefined, { steps: [] }, err));
    io.stderr.write(`wattbridge provision moko: ${err.message}; nothing was sent to the plug\n`);
    return 2;
  }
  const say = (text: string) => {
    if (!args.json) io.stdout.write(text);
  };
  try {
    const progress = await provisionMoko(plan, {
      stepTimeoutMs: args.timeoutS * 1000,
      onStep: (step, p) => {
        if (step.header === HEADER.info && p.identity)
          say(`Plug at ${plan.plugHost}:${plan.plugPort}: ${describePlug(p.identity)}\n`);
        else say(stepLine(step, plan, args.settings));
      },
    });
    const id = progress.identity as PlugIdentity;
    say(
      `The plug now leaves AP mode, joins "${args.settings.wifiSsid}" and connects to ${plan.broker.host}:${plan.broker.port}.\n` +
        `It publishes under ${topicBase(id)}device/; wattbridge lists it as device ${nativeIdOfMac(id.device_mac) ?? id.device_mac}.\n`,
    );
    if (args.json) io.stdout.write(jsonReport(plan, progress));
    return 0;
  } catch (err) {
    if (!(err instanceof ProvisionError)) throw err;
    if (args.json) io.stdout.write(jsonReport(plan, err.progress, err));
    io.stderr.write(`wattbridge provision moko: ${err.message}\n`);
    return 1;
  }
}
