/** The query engine: works on any Store through its interface alone. */
export { runQuery, type QueryOptions } from './run-query.js';
export { counterRise, energyWh, type EnergySpec } from './energy.js';
export {
  OPERATIONS,
  OPERATIONS_WITH_N,
  QueryError,
  type Operation,
  type QuerySpec,
  type ResultPoint,
  type SeriesRef,
} from './types.js';
