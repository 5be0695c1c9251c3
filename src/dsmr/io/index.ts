/** DSMR P1 I/O: inputs (serial, TCP, replay), outputs (JSON/raw sockets, MQTT) and the service wiring them. */
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  ReconnectingSource,
  type P1Source,
  type P1SourceEvents,
  type P1SourceState,
  type P1SourceStatus,
} from './source.js';
export {
  TcpInput,
  parseHostPort,
  DEFAULT_INACTIVITY_MS,
  type TcpInputOptions,
} from './tcp-input.js';
export {
  SerialInput,
  serialSettings,
  serialOpenProblem,
  type SerialInputOptions,
  type SerialSettings,
} from './serial-input.js';
export { ReplayInput, type ReplayInputOptions } from './replay-input.js';
export { TelegramSplitter, type SplitPiece } from './telegram-splitter.js';
export { p1Telegram, type P1Output, type P1Telegram } from './output.js';
export {
  SocketServer,
  ListenError,
  listenProblem,
  DEFAULT_MAX_CLIENTS,
  DEFAULT_MAX_BUFFERED_BYTES,
  type SocketServerOptions,
  type SocketClientEvent,
} from './socket-server.js';
export { SocketOutput, type SocketOutputOptions } from './socket-output.js';
export { JsonSocketOutput } from './json-socket.js';
export { RawSocketOutput } from './raw-socket.js';
export {
  MqttOutput,
  DEFAULT_DISTINCT_FIELDS,
  DEFAULT_MQTT_PREFIX,
  type MqttOutputOptions,
} from './mqtt-output.js';
export {
  P1Service,
  type P1ServiceOptions,
  type P1ServiceStats,
  type P1ServiceEvents,
  type P1Rejection,
} from './p1-service.js';
