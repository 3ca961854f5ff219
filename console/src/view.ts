// What every view gets, and gives back: a function that stops its timers and streams.
export interface ViewContext {
  main: HTMLElement;
  /** Polite announcement for screen readers (status changes, errors). */
  announce(text: string): void;
  navigate(hash: string): void;
  /** Moves focus to a new view's heading, except on the page's first render (focus starts at the top). */
  focus(el: HTMLElement): void;
}

export type Dispose = () => void;

/** Runs `tick` now and then every `ms` while the view lives; skips ticks while the tab is hidden. */
export function every(ms: number, tick: () => Promise<void> | void): Dispose {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await tick();
      } catch {
        // the tick shows its own error; the loop goes on
      }
    }
    if (!stopped) timer = setTimeout(() => void loop(), ms);
  };
  void loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
