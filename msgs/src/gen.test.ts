// The generated code is checked in (nothing is generated at install), so it must never lag
// the .proto: regenerate into a temp dir with the same script and compare byte for byte.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

test('src/gen matches a fresh run of scripts/gen.mjs (run `pnpm gen:msgs` if this fails)', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bftkvs-msgs-gen-'));
  try {
    execFileSync(process.execPath, [join(pkgDir, 'scripts', 'gen.mjs'), '--out-dir', out], { stdio: 'pipe' });
    for (const file of ['bftkvs.js', 'bftkvs.d.ts']) {
      const fresh = readFileSync(join(out, file), 'utf8');
      const checkedIn = readFileSync(join(pkgDir, 'src', 'gen', file), 'utf8');
      t.true(fresh === checkedIn, `src/gen/${file} is stale`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
