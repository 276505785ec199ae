/**
 * Whether ROS 2 is usable in this process, decided from the environment alone.
 *
 * rclnodejs is a native addon built against a sourced ROS 2; importing it without one
 * starts a rebuild attempt and then throws. So it is imported only after this check passes,
 * and otherwise the user gets one message naming what to install and source.
 */
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
        '`colcon build --paths msgs/bftkvs_msgs && source install/setup.bash`, and reinstall with `pnpm install` so rclnodejs builds. ' +
        'Without ROS 2, use the embedded transport (`--transport udp`, the default). See docs/ros.md.',
    };
  }
  return { available: true, distro, amentPrefixPath };
}

export class Ros2UnavailableError extends Error {
  override readonly name = 'Ros2UnavailableError';
}

/** Loads rclnodejs, or throws `Ros2UnavailableError` with the reason, never a stack of native errors. */
export async function loadRclnodejs(env: Readonly<Record<string, string | undefined>> = process.env): Promise<typeof import('rclnodejs')> {
  const ros = detectRos2(env);
  if (!ros.available) throw new Ros2UnavailableError(ros.reason);
  try {
    return await import('rclnodejs');
  } catch (e) {
    throw new Ros2UnavailableError(
      `ROS 2 ${ros.distro} is sourced but rclnodejs could not be loaded (${e instanceof Error ? e.message : String(e)}). ` +
        'Rebuild it in this environment: `pnpm rebuild rclnodejs` (see docs/ros.md).',
    );
  }
}
