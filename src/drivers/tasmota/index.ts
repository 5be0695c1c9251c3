export { TasmotaDriver, type TasmotaDriverOptions } from './driver.js';
export { encodeGroupPower } from './encode.js';
export { DEFAULT_PREFIXES, type Prefixes } from './topics.js';
