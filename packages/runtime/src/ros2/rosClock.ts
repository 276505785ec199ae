/**
 * The runtime Clock over a ROS node's clock: ROS time, which is the system time unless the
 * node runs with `use_sim_time:=true`, in which case it is the time on /clock (a simulator or
 * `ros2 bag play --clock`). The core gets its `nowUs` from here, so a whole cluster started
 * with use_sim_time follows the simulated time base.
 *
 * ROS time can jump backwards (a simulator reset, a bag looping); the protocol assumes a
 * monotone clock, so a backward jump is held at the last value and counted instead of being
 * passed on. Until the first /clock message ROS time is zero; `waitForTime` lets a replica
 * start only once time is known.
 */
import type { Node } from 'rclnodejs';
import type { Clock } from '../clock.js';

/** What RosClock needs from a node (so the clock can be tested with a fake time source). */
export interface RosTimeSource {
  /** Nanoseconds of ROS time. */
  nowNs(): bigint;
  /** True when the node's clock follows /clock (use_sim_time). */
  readonly simTime: boolean;
}

export function nodeTimeSource(node: Node): RosTimeSource {
  const clock = node.getClock();
  return {
    nowNs: () => clock.now().nanoseconds,
    get simTime(): boolean {
      return 'isRosTimeActive' in clock && (clock as { isRosTimeActive: boolean }).isRosTimeActive;
    },
  };
}

export class RosClock implements Clock {
  private lastUs = 0;
  private backwards = 0;

  constructor(private readonly source: RosTimeSource) {}

  static ofNode(node: Node): RosClock {
    return new RosClock(nodeTimeSource(node));
  }

  nowUs(): number {
    const ns = this.source.nowNs();
    const us = Number(ns / 1_000n);
    if (us < this.lastUs) {
      this.backwards++;
      return this.lastUs;
    }
    this.lastUs = us;
    return us;
  }

  get simTime(): boolean {
    return this.source.simTime;
  }

  /** How often ROS time went backwards (held, not passed on). */
  get backwardJumps(): number {
    return this.backwards;
  }

  /**
   * Resolves once ROS time is non-zero (immediately with system time; with sim time after the
   * first /clock message). Rejects after `timeoutMs` with a message naming /clock.
   */
  async waitForTime(timeoutMs: number, pollMs = 20): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.source.nowNs() === 0n) {
      if (Date.now() >= deadline) {
        throw new Error(`ROS time is still zero after ${timeoutMs} ms: use_sim_time is set but nothing publishes /clock (start the simulator or \`ros2 bag play --clock\`)`);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
