// The one error the codec throws. The gateway maps it once, at its edge, to a CWMP fault or an HTTP 4xx, so every
// failure — hostile input, a device's broken firmware, a bug of ours — arrives there with a code it can switch on.

export type CwmpParseErrorCode =
  | 'malformed'
  | 'forbidden-dtd'
  | 'too-large'
  | 'too-deep'
  | 'too-many-elements'
  | 'unknown-rpc'
  | 'bad-namespace'
  | 'invalid-value'
  | 'bad-encoding';

export class CwmpParseError extends Error {
  override readonly name = 'CwmpParseError';

  constructor(
    readonly code: CwmpParseErrorCode,
    message: string,
    /** For 'unknown-rpc': the local name of the body element the device sent. */
    readonly rpcName?: string,
  ) {
    super(message);
  }
}
