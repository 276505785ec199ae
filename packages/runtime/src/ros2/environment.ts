/**
 * Whether ROS 2 is usable in this process, decided from the environment alone.
 *
 * rclnodejs is a native addon built against a sourced ROS 2; importing it without one
 * starts a rebuild attempt and then throws. So it is imported only after this check passes,
 * and otherwise the user gets one message naming what to install and source.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Ros2Environment =
  | { readonly available: true; readonly distro: string; readonly amentPrefixPath: string }
  | { readonly available: false; readonly reason: string };

export const SUPPORTED_ROS_DISTROS = ['humble', 'jazzy'] as const;

export function detectRos2(env: Readonly<Record<string, string | undefined>> = process.env): Ros2Environment {
  const distro = env.ROS_DISTRO;
  const amentPrefixPath = env.AMENT_PREFIX_PATH;
  if (distro === undefined || distro === '' || amentPrefixPath === undefined || amentPrefixPath === '') {
    return {
      available: false,
      reason:
        'ROS 2 is not sourced in this shell (ROS_DISTRO / AMENT_PREFIX_PATH are unset). ' +
        'Install ROS 2 Humble or Jazzy, then `source /opt/ros/<distro>/setup.bash`, build our interfaces with ' +
        '`colcon build --paths msgs/bftkvs_msgs ros/bftkvs && source install/setup.bash`, and build rclnodejs in that shell with `pnpm rebuild rclnodejs`. ' +
        'Without ROS 2, use the embedded transport (`--transport udp`, the default). See docs/ros.md.',
    };
  }
  return { available: true, distro, amentPrefixPath };
}

export class Ros2UnavailableError extends Error {
  override readonly name = 'Ros2UnavailableError';
}

/** The rclnodejs module object, as its type declarations describe it. */
export type Rclnodejs = typeof import('rclnodejs');

/**
 * Loads rclnodejs, or throws `Ros2UnavailableError` with the reason, never a stack of native errors.
 *
 * rclnodejs 2.x's ES module entry has a single default export (the object holding `init`,
 * `Node`, `QoS`, ...) while its type declarations describe named exports; both shapes are
 * accepted here and the module object is returned.
 */
export async function loadRclnodejs(env: Readonly<Record<string, string | undefined>> = process.env): Promise<Rclnodejs> {
  const ros = detectRos2(env);
  if (!ros.available) throw new Ros2UnavailableError(ros.reason);
  const addon = rclnodejsAddonProblem(ros.distro);
  if (addon !== undefined) throw new Ros2UnavailableError(addon);
  let mod: unknown;
  try {
    mod = await import('rclnodejs');
  } catch (e) {
    throw new Ros2UnavailableError(
      `ROS 2 ${ros.distro} is sourced but rclnodejs could not be loaded (${e instanceof Error ? e.message : String(e)}). ` +
        'Build it in this environment: `pnpm rebuild rclnodejs` (see docs/ros.md).',
    );
  }
  const rcl = rclnodejsModuleObject(mod);
  if (rcl === undefined) {
    throw new Ros2UnavailableError(`ROS 2 ${ros.distro} is sourced but the loaded rclnodejs module has no init() or Node; reinstall rclnodejs 2.x (see docs/ros.md).`);
  }
  return rcl;
}

/** The module object of an imported rclnodejs: its default export, or the namespace itself. */
export function rclnodejsModuleObject(mod: unknown): Rclnodejs | undefined {
  const looksLikeRcl = (m: unknown): boolean =>
    typeof m === 'object' && m !== null && typeof (m as { init?: unknown }).init === 'function' && typeof (m as { Node?: unknown }).Node === 'function';
  const def = typeof mod === 'object' && mod !== null ? (mod as { default?: unknown }).default : undefined;
  if (looksLikeRcl(def)) return def as Rclnodejs;
  if (looksLikeRcl(mod)) return mod as Rclnodejs;
  return undefined;
}

/**
 * Why rclnodejs's native addon cannot be loaded for `distro` without building it first, or
 * undefined when it can (`packageDir` null: rclnodejs is not installed): its own build (`build/Release/rclnodejs.node`) or a prebuilt addon for
 * this distro, platform and architecture. Checked before importing rclnodejs, whose loader would
 * otherwise start a minutes-long compilation inside the replica process.
 */
export function rclnodejsAddonProblem(distro: string, packageDir: string | null = rclnodejsPackageDir() ?? null, platform: string = process.platform, arch: string = process.arch): string | undefined {
  const rebuild = 'build it in this shell with `pnpm rebuild rclnodejs` (docs/ros.md)';
  if (packageDir === null) return `ROS 2 ${distro} is sourced but rclnodejs is not installed (it is an optional dependency of @bftkvs/runtime): run \`pnpm install\`, then ${rebuild}.`;
  if (existsSync(join(packageDir, 'build', 'Release', 'rclnodejs.node'))) return undefined;
  const prebuilds = join(packageDir, 'prebuilds', `${platform}-${arch}`);
  const prefix = `${distro}-`;
  const suffix = `-${arch}-node-rclnodejs.node`;
  let found = false;
  try {
    found = existsSync(prebuilds) && readdirSync(prebuilds).some((f) => f.startsWith(prefix) && f.endsWith(suffix));
  } catch {
    found = false;
  }
  if (found) return undefined;
  return `ROS 2 ${distro} is sourced but rclnodejs has no native addon for it (no build/Release/rclnodejs.node, no prebuilt ${distro} addon for ${platform}-${arch}): ${rebuild}.`;
}

/** The installed rclnodejs package directory, found without importing it. */
export function rclnodejsPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('rclnodejs/package.json'));
  } catch {
    return undefined;
  }
}
