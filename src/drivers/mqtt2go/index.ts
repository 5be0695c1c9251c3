export {
  Mqtt2goDriver,
  splitList,
  type Mqtt2goDriverOptions,
  type Mqtt2goVersion,
} from './driver.js';
