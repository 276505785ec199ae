/**
 * Whether ROS 2 is usable in this process, decided from the environment alone.
 *
 * rclnodejs is a native addon built against a sourced ROS 2; importing it without one
 * starts a rebuild attempt and then throws. So it is imported only after this check passes,
 * and otherwise the user gets one message naming what to install and source.
 */
import { existsSync, readFileSync } from 'node:fs';
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
        '`colcon build --paths msgs/bftkvs_msgs ros/bftkvs && source install/setup.bash`, and run `pnpm install` in that shell (it builds rclnodejs and generates its message code). ' +
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
  const addon = rclnodejsAddonProblem(ros.distro) ?? rclnodejsMessagesProblem(ros.distro);
  if (addon !== undefined) throw new Ros2UnavailableError(addon);
  let mod: unknown;
  try {
    mod = await import('rclnodejs');
  } catch (e) {
    throw new Ros2UnavailableError(
      `ROS 2 ${ros.distro} is sourced but rclnodejs could not be loaded (${e instanceof Error ? e.message : String(e)}). ` +
        `Set it up in this shell: ${RCLNODEJS_SETUP_COMMAND} (see docs/ros.md).`,
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
 * What sets rclnodejs up in a ROS shell: its native addon (a matching prebuilt one, or a build)
 * and the JavaScript of every interface package on AMENT_PREFIX_PATH. `pnpm install` runs it
 * (the postinstall of @bftkvs/runtime, ./rclnodejsSetup.ts) when ROS 2 is sourced; this runs it
 * alone. (`pnpm rebuild rclnodejs` does nothing: pnpm-workspace.yaml lists rclnodejs under
 * ignoredBuiltDependencies, and pnpm skips those even when named.)
 */
export const RCLNODEJS_SETUP_COMMAND = '`pnpm --filter @bftkvs/runtime ros:setup` (or `pnpm install`)';

/**
 * Why rclnodejs's native addon cannot be loaded for `distro` without building it first, or
 * undefined when it can (`packageDir` null: rclnodejs is not installed). rclnodejs 2.x loads, in
 * this order, the prebuilt addon named exactly `<distro>-<Ubuntu codename>-<arch>-node-rclnodejs.node`
 * (prebuilds/<platform>-<arch>/; only on Linux, codename from /etc/os-release), or an addon built
 * in the package (build/Release/rclnodejs.node; a used prebuilt is also copied there), and
 * otherwise starts a minutes-long compilation inside the importing process. This is checked
 * before importing it so that a replica never compiles.
 */
export function rclnodejsAddonProblem(
  distro: string,
  packageDir: string | null = rclnodejsPackageDir() ?? null,
  platform: string = process.platform,
  arch: string = process.arch,
  codename: string | null = platform === 'linux' ? osReleaseCodename() : null,
): string | undefined {
  const setup = `set it up in this shell: ${RCLNODEJS_SETUP_COMMAND} (docs/ros.md)`;
  if (packageDir === null) return `ROS 2 ${distro} is sourced but rclnodejs is not installed (it is an optional dependency of @bftkvs/runtime): run \`pnpm install\` with ROS 2 sourced.`;
  if (existsSync(join(packageDir, 'build', 'Release', 'rclnodejs.node'))) return undefined;
  const prebuilt = prebuiltAddonName(distro, codename, arch);
  if (platform === 'linux' && prebuilt !== undefined && existsSync(join(packageDir, 'prebuilds', `${platform}-${arch}`, prebuilt))) return undefined;
  const which = prebuilt === undefined ? `no prebuilt addon for ${platform}-${arch}${platform === 'linux' ? ' without an Ubuntu codename in /etc/os-release' : ''}` : `no prebuilt ${prebuilt}`;
  return `ROS 2 ${distro} is sourced but rclnodejs has no native addon for it (no build/Release/rclnodejs.node, ${which}): ${setup}.`;
}

/**
 * Why rclnodejs has no generated message code yet, or undefined when it has. Without it,
 * rclnodejs generates the code for every interface package inside the first process that calls
 * init(); replicas started together would do so concurrently in the same directory.
 */
export function rclnodejsMessagesProblem(distro: string, packageDir: string | null = rclnodejsPackageDir() ?? null): string | undefined {
  if (packageDir === null || existsSync(join(packageDir, 'generated', 'generator.json'))) return undefined;
  return `ROS 2 ${distro} is sourced but rclnodejs has not generated its message code (no ${join(packageDir, 'generated')}): set it up in this shell: ${RCLNODEJS_SETUP_COMMAND} (docs/ros.md).`;
}

/** The file name rclnodejs 2.x looks for among its prebuilt addons, or undefined without a codename. */
export function prebuiltAddonName(distro: string, codename: string | null, arch: string): string | undefined {
  if (codename === null || codename === '' || !/^[a-z0-9]+$/.test(distro) || !/^[a-z0-9]+$/.test(codename)) return undefined;
  return `${distro}-${codename}-${arch}-node-rclnodejs.node`;
}

/** VERSION_CODENAME of /etc/os-release (`jammy`, `noble`, ...), as rclnodejs reads it; null if none. */
export function osReleaseCodename(text?: string): string | null {
  let t = text;
  if (t === undefined) {
    try {
      t = readFileSync('/etc/os-release', 'utf8');
    } catch {
      return null;
    }
  }
  const m = /^VERSION_CODENAME=(.*)$/m.exec(t);
  const v = m?.[1]?.trim(); // quotes are kept, as rclnodejs keeps them (no prebuilt then matches)
  return v === undefined || v === '' ? null : v;
}

/** The installed rclnodejs package directory, found without importing it. */
export function rclnodejsPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('rclnodejs/package.json'));
  } catch {
    return undefined;
  }
}
