/**
 * `pnpm typecheck` checks src/ros2 against rclnodejs's types as installed here, where the
 * interface types rclnodejs generates on a ROS machine do not exist, so message and service
 * types resolve permissively. This test checks the same files a second time with a stand-in of
 * the generated types (typecheck-ros/interfaces.d.ts, same aliases as rclnodejs's generator),
 * where they are strict: code that passes both compiles on a ROS machine too. The same run
 * covers packages/nodes/src/ros.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const here = dirname(fileURLToPath(import.meta.url));
const project = join(here, '..', '..', 'typecheck-ros');

test('src/ros2 and nodes/src/ros type-check against rclnodejs with generated (strict) interface types', async (t) => {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, [tsc, '-p', project], { timeout: 110_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: `${stdout}${stderr}` });
    });
  });
  t.is(code, 0, out);
});
