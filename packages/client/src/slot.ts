/** A published slot as the application sees it: plain values, times in µs. */
import type { Value } from '@bftkvs/core';
import type { PublishedSlot as WireSlot } from '@bftkvs/msgs';
import { fromWireValue } from './value.js';

export interface SlotUpdate {
  readonly key: string;
  readonly publishTimeUs: number;
  /** The fused value. */
  readonly value: Value;
  /** Who contributed what (sorted by writer). */
  readonly contributions: readonly { readonly writer: string; readonly value: Value }[];
  /** Agreed by the replicas (always true outside fast mode; fast mode: after synchronisation). */
  readonly agreed: boolean;
  /** How often synchronisation changed this slot at this replica. */
  readonly repairs: number;
}

export function slotFromWire(s: WireSlot): SlotUpdate {
  return {
    key: s.key,
    publishTimeUs: s.publishTimeUs,
    value: fromWireValue(s.value),
    contributions: s.contributions.map((c) => ({ writer: c.writer, value: fromWireValue(c.value) })),
    agreed: s.agreed,
    repairs: s.repairs,
  };
}
