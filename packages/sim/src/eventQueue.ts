/**
 * The simulator's agenda: a binary min-heap ordered by (time, insertion order). Equal times
 * pop in insertion order, so a run is a pure function of its seed.
 *
 * Entries live in parallel typed arrays (time, sequence, kind, two integer arguments) plus one
 * array for an optional payload, so scheduling an event allocates nothing once the arrays
 * have grown to the run's peak size. `pop()` copies the head into the `time`/`kind`/`a`/`b`/
 * `payload` fields of the queue itself instead of returning an object.
 */

const INITIAL_CAPACITY = 1024;

export class EventQueue<P> {
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  private as = new Int32Array(INITIAL_CAPACITY);
  private bs = new Int32Array(INITIAL_CAPACITY);
  private payloads: (P | undefined)[] = new Array<P | undefined>(INITIAL_CAPACITY);
  private n = 0;
  private nextSeq = 0;
  /** Bound on the queue length; exceeding it is a simulator bug (a runaway replica or loop). */
  readonly maxLength: number;

  // The most recently popped event.
  time = 0;
  kind = 0;
  a = 0;
  b = 0;
  payload: P | undefined = undefined;

  constructor(maxLength = 4_000_000) {
    this.maxLength = maxLength;
  }

  get length(): number {
    return this.n;
  }

  /** Time of the next event, or +Infinity when empty. */
  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  push(time: number, kind: number, a: number, b: number, payload?: P): void {
    if (!(time >= 0) || !Number.isFinite(time)) throw new RangeError(`event time must be finite and >= 0, got ${time}`);
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const seq = this.nextSeq++;
    // Sift up: move parents down until the slot for the new entry is found.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(time, seq, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.times[i] = time;
    this.seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
    this.payloads[i] = payload;
  }

  /** Removes the earliest event into the current fields; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.time = this.times[0] as number;
    this.kind = this.kinds[0] as number;
    this.a = this.as[0] as number;
    this.b = this.bs[0] as number;
    this.payload = this.payloads[0];
    const last = --this.n;
    if (last > 0) {
      const t = this.times[last] as number;
      const s = this.seqs[last] as number;
      const k = this.kinds[last] as number;
      const a = this.as[last] as number;
      const b = this.bs[last] as number;
      const p = this.payloads[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.lessAt(r, l) ? r : l;
        if (!this.lessAt2(c, t, s)) break;
        this.move(c, i);
        i = c;
      }
      this.times[i] = t;
      this.seqs[i] = s;
      this.kinds[i] = k;
      this.as[i] = a;
      this.bs[i] = b;
      this.payloads[i] = p;
    }
    this.payloads[last] = undefined;
    return true;
  }

  clear(): void {
    for (let i = 0; i < this.n; i++) this.payloads[i] = undefined;
    this.n = 0;
  }

  /** (time, seq) < entry j */
  private less(time: number, seq: number, j: number): boolean {
    const tj = this.times[j] as number;
    return time < tj || (time === tj && seq < (this.seqs[j] as number));
  }

  private lessAt(i: number, j: number): boolean {
    return this.less(this.times[i] as number, this.seqs[i] as number, j);
  }

  /** entry c < (time, seq) */
  private lessAt2(c: number, time: number, seq: number): boolean {
    const tc = this.times[c] as number;
    return tc < time || (tc === time && (this.seqs[c] as number) < seq);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.kinds[to] = this.kinds[from] as number;
    this.as[to] = this.as[from] as number;
    this.bs[to] = this.bs[from] as number;
    this.payloads[to] = this.payloads[from];
  }

  private grow(): void {
    const cap = this.times.length * 2;
    if (this.n >= this.maxLength) throw new Error(`event queue exceeded ${this.maxLength} entries (runaway event loop?)`);
    const times = new Float64Array(cap);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const as = new Int32Array(cap);
    as.set(this.as);
    this.as = as;
    const bs = new Int32Array(cap);
    bs.set(this.bs);
    this.bs = bs;
    this.payloads.length = cap;
  }
}
