/** Device ids: usable in topics (no / + #) and in URLs. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** IoToad location types: workstation, group (meeting) room, printer. */
export const GRID_TYPES = ['w', 'g', 'p'] as const;
export type GridType = (typeof GRID_TYPES)[number];

export interface GridPlace {
  type: GridType;
  row: number;
  column: number;
}

/** `sp_w.r1.c2` or `w.r1.c2` (IoToad ids gained the sp_ prefix in 2020; both are seen). */
const GRID_ID = /^(?:sp_)?([wgp])\.r(\d{1,4})\.c(\d{1,4})$/;

/** Where an IoToad grid id puts a device; undefined for any other id. */
export function gridOf(id: string): GridPlace | undefined {
  const m = GRID_ID.exec(id);
  if (!m) return undefined;
  return { type: m[1] as GridType, row: Number(m[2]), column: Number(m[3]) };
}

/**
 * IoToad clients address a plug with or without the `sp_` prefix; these are
 * the ids a name can mean, the name itself first.
 */
export function idCandidates(name: string): string[] {
  return name.startsWith('sp_') ? [name, name.slice(3)] : [name, `sp_${name}`];
}

/** Why `id` cannot be a device id, or undefined when it can. */
export function deviceIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `a device id must be a string, got ${JSON.stringify(id)}`;
  if (!DEVICE_ID_PATTERN.test(id))
    return `"${id}" is not a usable device id: 1 to 64 letters, digits and . _ - : (no /, +, # or spaces)`;
  return undefined;
}
