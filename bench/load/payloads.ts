/**
 * ~200-byte Tasmota SENSOR payloads like a real Pow R2 sends, varied so no
 * two consecutive messages of a device are alike (research/perf-anchors.md §2).
 */
export function sensorPayloads(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const power = 20 + ((i * 37) % 1980);
    const total = 100 + i * 0.013;
    const body = {
      Time: `2026-11-22T12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      ENERGY: {
        TotalStartTime: '2026-01-01T00:00:00',
        Total: Number(total.toFixed(3)),
        Yesterday: 1.234,
        Today: Number(((i % 500) * 0.011).toFixed(3)),
        Power: power,
        ApparentPower: power + 8,
        ReactivePower: 38,
        Factor: 0.92,
        Voltage: 228 + (i % 5),
        Current: Number((power / 230).toFixed(3)),
      },
    };
    return Buffer.from(JSON.stringify(body));
  });
}
