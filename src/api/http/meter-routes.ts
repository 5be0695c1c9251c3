import { HubError } from '../../core/errors.js';
import type { MeterTelegrams } from '../../dsmr/io/meter-telegrams.js';
import type { Hub } from '../../hub/hub.js';
import type { Store } from '../../store/store.js';
import type { ApiRoutes } from './api-routes.js';
import { isElectricityMeter, meterSummary } from './meter-summary.js';
import { ErrorBody, IdParams, MeterList, MeterSummarySchema, TelegramList } from './schemas.js';

/** DSMR P1 meters: now, today and this month; the latest telegrams. */
export function meterRoutes(
  api: ApiRoutes,
  hub: Hub,
  store: Store,
  telegrams: MeterTelegrams,
  now: () => number,
): void {
  const meterOf = (id: string) => {
    const d = hub.device(id);
    if (!d || !isElectricityMeter(d))
      throw new HubError(
        'not_found',
        d ? `Device "${id}" is not a P1 electricity meter` : `No meter with id "${id}"`,
      );
    return d;
  };
  const notFound = { description: 'No such meter', schema: ErrorBody };

  api.add({
    method: 'GET',
    url: '/api/meters',
    tag: 'Meters',
    summary: 'Every DSMR P1 meter, with what it says now, today and this month',
    responses: { 200: { description: 'The meters', schema: MeterList } },
    handler: () => {
      const all = hub.devices();
      const at = now();
      return {
        meters: all
          .filter(isElectricityMeter)
          .map((m) => meterSummary(m, all, store, telegrams, at)),
      };
    },
  });

  api.add({
    method: 'GET',
    url: '/api/meters/:id',
    tag: 'Meters',
    summary:
      'One meter: import and export now, per phase, tariff, today, this month, capacity peak',
    params: IdParams,
    responses: { 200: { description: 'The meter', schema: MeterSummarySchema }, 404: notFound },
    handler: ({ params }) =>
      meterSummary(meterOf(params.id), hub.devices(), store, telegrams, now()),
  });

  api.add({
    method: 'GET',
    url: '/api/meters/:id/telegrams',
    tag: 'Meters',
    summary: "The meter's latest telegrams (smartmeter2mqtt JSON), oldest first",
    description:
      'Kept in memory since the hub started (the last few minutes); the readings routes answer for longer.',
    params: IdParams,
    responses: { 200: { description: 'The telegrams', schema: TelegramList }, 404: notFound },
    handler: ({ params }) => ({
      telegrams: telegrams.recent(meterOf(params.id).nativeId).map((k) => ({
        receivedAt: new Date(k.receivedAt).toISOString(),
        telegram: k.message,
      })),
    }),
  });
}
