import { dsmrParseCommand } from './dsmr-parse.js';
import { dsmrServeCommand } from './dsmr-serve.js';
import { simDsmrCommand } from '../sim/dsmr/cli.js';
import { provisionMokoCommand } from '../provision/moko/cli.js';
import { simMokoCommand } from '../sim/moko/cli.js';
import { simMqtt2goCommand } from '../sim/mqtt2go/cli.js';
import { simTasmotaCommand } from '../sim/tasmota/cli.js';
import { VERSION } from '../version.js';
import { configCommand } from './config-command.js';
import type { CliIo } from './io.js';
import { startCommand } from './start.js';

const USAGE = `wattbridge ${VERSION} — one hub for smart plugs and smart meters

Usage:
  wattbridge start [--demo] [--config FILE] [flags]   run the hub
  wattbridge sim tasmota --count N --mqtt-url URL      simulated Tasmota plugs
  wattbridge sim mqtt2go --count N --version 2.1|1.2   simulated MQTT2GO smart sockets
  wattbridge sim dsmr --version 5 --tcp-port N         a simulated DSMR P1 smart meter
  wattbridge sim moko --count N --mqtt-url URL | --ap-port 8266
                                                       simulated Moko plugs (provisioned / AP mode)
  wattbridge dsmr parse [--key HEX] [--aad HEX] [--format F] [FILE...]
                                                       parse P1 telegrams to JSON lines
  wattbridge dsmr serve --p1-tcp HOST:PORT --p1-json-port N
                                                       read a P1 meter, serve JSON/raw sockets and MQTT
  wattbridge provision moko --mqtt-url URL --wifi-ssid NAME [flags]
                                                       set up a Moko plug in AP mode
  wattbridge config [--reference] [flags]              show the resolved configuration
  wattbridge --version

'wattbridge <command> --help' tells more.`;

/** Dispatch only: every command lives in its own module. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case 'start':
      return startCommand(argv.slice(1), io);
    case 'config':
      return configCommand(argv.slice(1), io);
    case 'sim':
      if (sub === 'tasmota') return simTasmotaCommand(rest, io);
      if (sub === 'dsmr') return simDsmrCommand(rest, io);
      if (sub === 'mqtt2go') return simMqtt2goCommand(rest, io);
      if (sub === 'moko') return simMokoCommand(rest, io);
      io.stderr.write(
        `Unknown simulator "${sub ?? ''}". Available: tasmota, dsmr, moko, mqtt2go
`,
      );
      return 2;
    case 'dsmr':
      if (sub === 'parse') return dsmrParseCommand(rest, io);
      if (sub === 'serve') return dsmrServeCommand(rest, io);
      if (sub === undefined || sub === '--help' || sub === '-h') {
        io.stdout.write(`${USAGE}\n`);
        return 0;
      }
      io.stderr.write(`Unknown dsmr command "${sub ?? ''}". Available: parse, serve\n`);
      return 2;
    case 'provision':
      if (sub === 'moko') return provisionMokoCommand(rest, io);
      io.stderr.write(`Unknown device to provision "${sub ?? ''}". Available: moko\n`);
      return 2;
    case '--version':
    case '-v':
      io.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      io.stderr.write(`Unknown command "${cmd}".\n\n${USAGE}\n`);
      return 2;
  }
}
