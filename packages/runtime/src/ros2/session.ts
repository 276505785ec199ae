/**
 * One rclnodejs context per process (or per test): loads rclnodejs only when ROS 2 is sourced
 * (otherwise `Ros2UnavailableError` with the one message of environment.ts), initialises a
 * context with the process's `--ros-args` (remaps, parameters, `use_sim_time`), creates the
 * nodes and spins them, and shuts everything down.
 *
 * rclnodejs installs a SIGINT handler when it is imported, which would keep the process alive
 * after Ctrl-C and shut ROS down behind the replica's back; the session removes it, so the
 * node program's own signal handling decides the order (stop the replica, then `close()`).
 */
import type { Context, Node } from 'rclnodejs';
import type { Rclnodejs } from './environment.js';
import { Ros2UnavailableError, loadRclnodejs } from './environment.js';
import { FRAME_MSG, READ_SRV, SLOT_MSG, STATUS_SRV, WRITE_REQUEST_MSG, WRITE_SRV } from './names.js';

export interface Ros2SessionOptions {
  /** Environment used to decide whether ROS 2 is sourced (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The arguments rcl parses for `--ros-args` (default: process.argv). */
  readonly argv?: readonly string[];
  /** Keep rclnodejs's own SIGINT handler (default false). */
  readonly keepSignalHandlers?: boolean;
}

/** The interfaces of bftkvs_msgs a replica needs. */
export const BFTKVS_INTERFACES = [FRAME_MSG, WRITE_REQUEST_MSG, SLOT_MSG, WRITE_SRV, READ_SRV, STATUS_SRV] as const;

export class Ros2Session {
  private readonly nodes = new Set<Node>();
  private closed = false;

  private constructor(
    readonly rcl: Rclnodejs,
    readonly context: Context,
  ) {}

  static async open(opts: Ros2SessionOptions = {}): Promise<Ros2Session> {
    const rcl = await loadRclnodejs(opts.env);
    if (opts.keepSignalHandlers !== true) rcl.removeSignalHandlers();
    const context = new rcl.Context();
    try {
      await rcl.init(context, [...(opts.argv ?? process.argv)]);
    } catch (e) {
      throw new Ros2UnavailableError(`rclnodejs could not initialise ROS 2 (${e instanceof Error ? e.message : String(e)}). Is the ROS 2 environment sourced in this shell? See docs/ros.md.`);
    }
    return new Ros2Session(rcl, context);
  }

  /**
   * Throws Ros2UnavailableError naming the interfaces rclnodejs does not know (typically
   * bftkvs_msgs built or sourced after rclnodejs generated its messages).
   */
  requireInterfaces(names: readonly string[] = BFTKVS_INTERFACES): void {
    const missing = names.filter((n) => {
      try {
        this.rcl.require(n);
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length > 0) {
      throw new Ros2UnavailableError(
        `rclnodejs does not know ${missing.join(', ')}. Build and source the interface package, then regenerate rclnodejs's messages: ` +
          '`colcon build --paths msgs/bftkvs_msgs && source install/setup.bash && (cd packages/runtime && npx generate-ros-messages)` (see docs/ros.md).',
      );
    }
  }

  /** Creates a node in this context and starts spinning it. */
  createNode(name: string, namespace: string): Node {
    if (this.closed) throw new Error('Ros2Session: closed');
    const node = new this.rcl.Node(name, namespace, this.context);
    this.nodes.add(node);
    node.spin();
    return node;
  }

  /** Stops and destroys one node (its publishers, subscriptions, services and timers go with it). */
  destroyNode(node: Node): void {
    if (!this.nodes.delete(node)) return;
    try {
      node.stop();
    } catch {
      // already stopped
    }
    node.destroy();
  }

  /** Destroys every node and shuts the context down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const n of [...this.nodes]) this.destroyNode(n);
    if (!this.context.isShutdown()) this.rcl.shutdown(this.context);
    await Promise.resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
