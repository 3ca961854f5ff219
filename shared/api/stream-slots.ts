// Open SSE streams per owner on this instance. A stream holds one of the instance's request slots
// for as long as it is open, so one key could otherwise take them all; past the cap the key gets
// 429 while other keys' requests and streams go on.
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(readonly perOwner: number) {}

  /** A release function, or undefined when the owner already has perOwner streams open. */
  acquire(owner: string): (() => void) | undefined {
    const count = this.open.get(owner) ?? 0;
    if (count >= this.perOwner) return undefined;
    this.open.set(owner, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(owner) ?? 1) - 1;
      if (left > 0) this.open.set(owner, left);
      else this.open.delete(owner);
    };
  }

  count(owner: string): number {
    return this.open.get(owner) ?? 0;
  }
}

const perDeps = new WeakMap<object, StreamSlots>();

/** The slots of one API instance (one per deps object). */
export function streamSlotsOf(deps: object, perOwner: number): StreamSlots {
  let slots = perDeps.get(deps);
  if (!slots) perDeps.set(deps, (slots = new StreamSlots(perOwner)));
  return slots;
}
