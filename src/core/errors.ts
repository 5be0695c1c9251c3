/**
 * Errors the hub reports to users and API clients. `code` is stable and
 * machine-readable; `message` is what a person reads.
 */
export type HubErrorCode =
  | 'unreachable'
  | 'not_found'
  | 'bad_request'
  | 'conflict'
  | 'disconnected'
  | 'unsupported'
  | 'shutting_down';

export class HubError extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** IoToad's wording, kept verbatim so IoToad clients recognise it. */
export const UNREACHABLE_MESSAGE = 'The SmartPlug is unreachable';
