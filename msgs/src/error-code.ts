// The reply status codes of the client protocol (enum ErrorCode in the .proto), as the
// generated enum object plus a name lookup for logs, the CLI and the ROS services, which carry
// the code as a string.
import { wire, type bftkvs } from './wire.js';

export const ErrorCode = wire.ErrorCode;
export type ErrorCode = bftkvs.wire.ErrorCode;

// The generated enum object maps names to numbers only (no TS-style reverse mapping).
const NAMES = new Map<number, string>();
for (const [name, code] of Object.entries(wire.ErrorCode)) if (typeof code === 'number') NAMES.set(code, name);

/** "NO_FRESH_VALUE" for ErrorCode.NO_FRESH_VALUE; "UNKNOWN(n)" for a number outside the enum. */
export function errorCodeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN(${code})`;
}

/** The code named `name`, or undefined (parses the ROS services' string codes). */
export function errorCodeFromName(name: string): ErrorCode | undefined {
  const code: unknown = Object.hasOwn(wire.ErrorCode, name) ? wire.ErrorCode[name as keyof typeof wire.ErrorCode] : undefined;
  return typeof code === 'number' ? (code as ErrorCode) : undefined;
}
