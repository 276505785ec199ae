// The generated protobufjs code (scripts/gen.mjs). The odd-looking '../src/gen/' path is
// deliberate: tsc copies neither the generated .js nor its .d.ts into dist/, and this path
// names the same checked-in files from src/ (tsx, tests) and from dist/ (built output).
// See msgs/tsconfig.json.
import { bftkvs } from '../src/gen/bftkvs.js';

/** The generated message classes (encode/decode without validation: use codec.ts instead). */
export const wire = bftkvs.wire;
export type { bftkvs };
