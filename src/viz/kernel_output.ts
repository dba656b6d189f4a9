/**
 * Sending rich output to a tslab kernel without ever failing a cell on a busy socket. tslab 1.0.22
 * writes every display message with zeromq 6's `socket.send`, which throws `EBUSY` ("Socket is busy
 * writing; only one send operation may be in progress at any time") while the previous message is
 * still leaving. Outside a kernel tslab's display throws `Not ready`, which is how the two are told apart.
 */

/** The part of tslab's `Display` used here. */
export interface RichDisplay {
  html(s: string): void;
  svg(s: string): void;
  markdown(s: string): void;
}

interface TslabModule {
  display: RichDisplay;
  newDisplay(): RichDisplay;
}

/** tslab, or undefined where it cannot be loaded. Inside a kernel, `require('tslab')` is the kernel's own instance. */
export function tslab(): TslabModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('tslab') as TslabModule;
  } catch {
    return undefined;
  }
}

/** True for zeromq's `EBUSY` (a send while the previous one is still leaving the socket). */
export function isSocketBusy(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown } | null;
  return err !== null && typeof err === 'object' && (err.code === 'EBUSY' || /busy writing/i.test(String(err.message)));
}

/** Options of {@link SendQueue}. */
export interface SendQueueOptions {
  /** Wait between two tries of a send refused with EBUSY; default 20 ms (a send leaves within an event-loop turn or two). */
  readonly retryMs?: number;
  /** How long one message may keep failing with EBUSY before it is dropped; default 10 s. */
  readonly giveUpMs?: number;
  /** Clock in ms (tests); default `Date.now`. */
  readonly now?: () => number;
}

interface Pending {
  key?: string;
  send: () => void;
  sinceMs: number;
}

/**
 * Display messages in order, each tried until the socket takes it. A message with the `key` of one
 * still waiting replaces it in place (an in-place progress display sends only its newest state),
 * so the last update is never lost. `send` never throws: an error other than EBUSY (or EBUSY for
 * longer than `giveUpMs`) drops that message and counts it in `dropped`.
 */
export class SendQueue {
  private readonly waiting: Pending[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private idle: (() => void)[] = [];
  private readonly retryMs: number;
  private readonly giveUpMs: number;
  private readonly now: () => number;
  /** Messages given up on (they stay cosmetic: a computation never stops for its display). */
  dropped = 0;

  constructor(opts: SendQueueOptions = {}) {
    this.retryMs = opts.retryMs ?? 20;
    this.giveUpMs = opts.giveUpMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Sends now when nothing waits, else queues behind the waiting messages (replacing one with the same `key`). */
  send(send: () => void, key?: string): void {
    const same = key === undefined ? undefined : this.waiting.find((p) => p.key === key);
    if (same !== undefined) same.send = send;
    else this.waiting.push({ key, send, sinceMs: this.now() });
    if (this.timer === undefined) this.pump();
  }

  /** Messages not yet taken by the socket. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Resolves once every queued message has been sent or dropped. */
  drained(): Promise<void> {
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    this.timer = undefined;
    while (this.waiting.length > 0) {
      const head = this.waiting[0];
      try {
        head.send();
      } catch (e) {
        if (isSocketBusy(e) && this.now() - head.sinceMs < this.giveUpMs) {
          this.timer = setTimeout(() => this.pump(), this.retryMs);
          return;
        }
        this.dropped++;
      }
      this.waiting.shift();
    }
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}

/** The queue every rich output of this process goes through, so that they keep their order. */
export const KERNEL_SENDS = new SendQueue();

/**
 * Shows rich output through `show`; returns false (and shows nothing) outside a tslab kernel. A send
 * refused because the socket is busy is queued and retried (it still returns true); it never throws.
 */
export function tryRich(show: (d: RichDisplay) => void, display: RichDisplay | undefined = tslab()?.display, key?: string): boolean {
  if (display === undefined) return false;
  if (KERNEL_SENDS.pending > 0) {
    // Keep the order: behind what is already waiting. Outside a kernel nothing is ever queued.
    KERNEL_SENDS.send(() => show(display), key);
    return true;
  }
  try {
    show(display);
    return true;
  } catch (e) {
    if (e instanceof Error && e.message === 'Not ready') return false;
    KERNEL_SENDS.send(() => show(display), key);
    return true;
  }
}
