/**
 * Sets rclnodejs up in a ROS 2 shell: its native addon and the JavaScript (and TypeScript
 * declarations) of every interface package on AMENT_PREFIX_PATH — bftkvs_msgs included when it
 * was built and sourced first. This is what rclnodejs's own install scripts do; pnpm never runs
 * them here, because pnpm-workspace.yaml lists rclnodejs under ignoredBuiltDependencies so that
 * installs succeed on machines without ROS 2 (and `pnpm rebuild rclnodejs` skips it too).
 *
 * Run as the postinstall of @bftkvs/runtime, so `pnpm install` in a shell with ROS 2 sourced
 * sets rclnodejs up, and does nothing (silently) without ROS 2. Run alone, e.g. after building
 * another interface package:
 *
 *   pnpm --filter @bftkvs/runtime ros:setup
 *
 * The steps run in rclnodejs's package directory: `node scripts/install.cjs` (takes the prebuilt
 * addon matching the ROS distro, Ubuntu release and architecture, or compiles one with node-gyp,
 * about a minute) and `node scripts/generate_messages.cjs`. As postinstall a failure is reported
 * and the install still succeeds (the replica then says what is missing); run alone it exits 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectRos2, rclnodejsAddonProblem, rclnodejsPackageDir } from './environment.js';

export interface RclnodejsSetupStep {
  readonly what: string;
  /** Arguments of `node` (the current Node.js binary), run in the package directory. */
  readonly args: readonly string[];
}

export type RclnodejsSetupPlan =
  | { readonly kind: 'skip'; readonly reason: string; readonly quiet: boolean }
  | { readonly kind: 'run'; readonly distro: string; readonly packageDir: string; readonly steps: readonly RclnodejsSetupStep[]; readonly env: Readonly<Record<string, string>> };

/** What to do, from the environment and where rclnodejs is installed (pure). */
export function planRclnodejsSetup(env: Readonly<Record<string, string | undefined>>, packageDir: string | null): RclnodejsSetupPlan {
  if (env['BFTKVS_SKIP_ROS_SETUP'] === '1') return { kind: 'skip', reason: 'BFTKVS_SKIP_ROS_SETUP=1', quiet: false };
  const ros = detectRos2(env);
  if (!ros.available) {
    // The ordinary case on machines without ROS 2: say nothing unless half a ROS shell is there.
    const half = (env['ROS_DISTRO'] ?? '') !== '' || (env['AMENT_PREFIX_PATH'] ?? '') !== '';
    return { kind: 'skip', reason: half ? `ROS 2 is only partly sourced (ROS_DISTRO and AMENT_PREFIX_PATH must both be set); rclnodejs not set up` : 'ROS 2 is not sourced', quiet: !half };
  }
  if (packageDir === null) return { kind: 'skip', reason: 'rclnodejs is not installed (an optional dependency of @bftkvs/runtime; was it excluded with --no-optional?)', quiet: false };
  return {
    kind: 'run',
    distro: ros.distro,
    packageDir,
    steps: [
      { what: 'native addon (prebuilt or node-gyp build)', args: ['scripts/install.cjs'] },
      { what: 'message code for every interface package on AMENT_PREFIX_PATH', args: ['scripts/generate_messages.cjs'] },
    ],
    // rclnodejs's build runs `npx rimraf`, which would otherwise wait for a confirmation.
    env: { npm_config_yes: 'true' },
  };
}

/** The interface packages rclnodejs generated code for (directory names under generated/). */
export function generatedPackages(packageDir: string): string[] {
  const root = join(packageDir, 'generated');
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'srv_msg')
    .map((d) => d.name)
    .sort();
}

/** Runs the plan; returns the exit code (0 ok). `log` gets one line per event. */
export function runRclnodejsSetup(plan: RclnodejsSetupPlan, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): number {
  if (plan.kind === 'skip') {
    if (!plan.quiet) log(`bftkvs: rclnodejs set-up skipped: ${plan.reason}`);
    return 0;
  }
  log(`bftkvs: setting up rclnodejs for ROS 2 ${plan.distro} in ${plan.packageDir}`);
  for (const step of plan.steps) {
    log(`bftkvs: rclnodejs: ${step.what}`);
    const r = spawnSync(process.execPath, [...step.args], { cwd: plan.packageDir, stdio: 'inherit', env: { ...env, ...plan.env } });
    if (r.status !== 0) {
      log(`bftkvs: rclnodejs set-up failed at "${step.what}" (${r.error?.message ?? `exit code ${String(r.status ?? r.signal)}`}); the ros2 transport will not load. See docs/ros.md, "Troubleshooting".`);
      return 1;
    }
  }
  const addon = rclnodejsAddonProblem(plan.distro, plan.packageDir);
  if (addon !== undefined) {
    log(`bftkvs: ${addon}`);
    return 1;
  }
  const pkgs = generatedPackages(plan.packageDir);
  log(`bftkvs: rclnodejs ready: message code for ${pkgs.length} interface packages`);
  if (!pkgs.includes('bftkvs_msgs')) {
    log('bftkvs: bftkvs_msgs is not among them: `colcon build --paths msgs/bftkvs_msgs ros/bftkvs && source install/setup.bash`, then run this again (docs/ros.md)');
    return 1;
  }
  return 0;
}

function main(): void {
  const postinstall = process.argv.includes('--postinstall');
  const plan = planRclnodejsSetup(process.env, rclnodejsPackageDir() ?? null);
  const code = runRclnodejsSetup(plan, (l) => process.stderr.write(`${l}\n`));
  // As a postinstall a failure must not fail `pnpm install` (the workspace is usable with udp).
  process.exitCode = postinstall ? 0 : code;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
