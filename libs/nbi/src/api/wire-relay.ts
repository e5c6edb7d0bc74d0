import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';

/** The encode/decode pair ts-proto generates for every message. */
export interface MessageCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
}

/**
 * Converts a message of one API into the matching message of another by its wire form. The public `acs.v1`
 * messages relayed to the internal provisioning API are wire-compatible with their internal counterparts by design
 * (same field numbers and types; `wire-compatibility.spec.ts` proves it for every pair in RELAYED_MESSAGES), so
 * the NBI needs no hand-written mapper that could drift, and a field the public API gains without an internal
 * counterpart is dropped on the way in rather than misread.
 */
export function relayMessage<From, To>(from: MessageCodec<From>, to: MessageCodec<To>, value: From): To {
  return to.decode(from.encode(value).finish());
}
