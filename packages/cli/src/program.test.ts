import test from 'ava';
import { buildProgram, main } from './program.js';

test('the program lists its commands in --help', (t) => {
  const help = buildProgram().helpInformation();
  t.regex(help, /Usage: bftkvs/);
  t.regex(help, /\bdemo\b/);
});

test('an unknown command or a bad option value exits non-zero without throwing', async (t) => {
  const err = process.stderr.write;
  process.stderr.write = () => true; // keep commander's message out of the test output
  try {
    t.not(await main(['no-such-command']), 0);
    t.not(await main(['demo', '--duration-ms', 'abc']), 0);
  } finally {
    process.stderr.write = err;
  }
});
