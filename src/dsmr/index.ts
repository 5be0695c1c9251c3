/** DSMR P1: framing, CRC, parsing, decryption and the output shapes. Pure, no I/O. */
export * from './types.js';
export { crc16, formatCrc } from './crc16.js';
export { parseDsmrTimestamp, dsmrTimestampToIso } from './timestamp.js';
export { OBIS_TABLE, type ObisDef, type ObisKind } from './obis-table.js';
export { parseTelegram, DEFAULT_MAX_FUTURE_MS, type ParseOptions } from './parser.js';
export {
  DsmrFramer,
  DEFAULT_MAX_TELEGRAM_BYTES,
  type FramedTelegram,
  type FramerOutput,
  type FramerOptions,
  type FramerStats,
} from './framer.js';
export {
  decryptDlmsFrame,
  dlmsFrameCounter,
  readDlmsHeader,
  DsmrDecryptError,
  SMARTY_AUTH_KEY_HEX,
  type DlmsFrameHeader,
} from './decrypt.js';
export {
  DsmrDecoder,
  NO_KEY_MESSAGE,
  type DsmrDecodeResult,
  type DsmrDecoderOptions,
  type DsmrDecoderStats,
} from './decoder.js';
export { mbusChannels, isRealReading, type MbusChannel, type MbusMedium } from './mbus.js';
export {
  toSmartmeter2mqtt,
  type Smartmeter2mqttMessage,
  type Smartmeter2mqttMeterReading,
  type Smartmeter2mqttMbusDevice,
} from './smartmeter2mqtt-json.js';
export { telegramReadings, DSMR_METRIC_UNITS, type DsmrReading } from './readings.js';
export { telegramToJson } from './telegram-json.js';
export { DsmrHubEvents, readableId } from './hub-events.js';
export {
  Smartmeter2mqttTopics,
  type MqttPublish,
  type Smartmeter2mqttTopicsOptions,
} from './smartmeter2mqtt-topics.js';
