import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { readEpochFile } from './replicaNode.js';

test('epoch file: absent means not yet; a valid one gives ms; anything else is a configuration error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-epoch-'));
  try {
    const f = join(dir, 'epoch.json');
    t.is(readEpochFile(f), undefined);
    writeFileSync(f, JSON.stringify({ epochUs: 1_795_000_000_050_000 }));
    t.is(readEpochFile(f), 1_795_000_000_050);
    for (const bad of ['', 'nope', '{"epochUs": -1}', '{"epochUs": 1.5}', '{"epochUs": "1"}', '{}', `{"epochUs": 1, "pad": "${'x'.repeat(5000)}"}`]) {
      writeFileSync(f, bad);
      t.throws(() => readEpochFile(f), { name: 'ConfigError' }, bad.slice(0, 30));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
