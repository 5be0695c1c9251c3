export { MokoDriver } from './driver.js';
export { encodeReset, encodeUpgrade, upgradeRequest, type UpgradeRequest } from './encode.js';
export { MAX_COUNTDOWN_S, OTA_RESULTS } from './protocol.js';
