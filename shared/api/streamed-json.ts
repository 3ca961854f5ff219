// A JSON body written in pieces as its parts are read (GET /jobs, GET /jobs/{id}/changes), so the API
// never holds a whole large response. Writes wait for the socket to drain (a slow client slows the
// read, not the heap). The status line goes out with the first piece: a failure before it is still an
// ordinary error answer; a failure after it cuts the connection, so the client sees a broken body
// rather than a short one that parses.
import type { Response } from 'express';

export class StreamedJson {
  private headSent = false;

  constructor(
    private readonly res: Response,
    /** Awaited before the status line (the rate limit's admission). */
    private readonly beforeHead: () => Promise<void>,
  ) {}

  async write(text: string): Promise<void> {
    if (!this.headSent) {
      await this.beforeHead();
      this.headSent = true;
      this.res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
    }
    if (this.res.destroyed) throw new Error('the client went away');
    if (this.res.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(new Error('the client went away'));
      this.res.on('drain', onDrain);
      this.res.on('close', onClose);
    });
  }

  end(): void {
    this.res.end();
  }

  /** Rethrows a failure that happened before anything was sent; after that, cuts the connection. */
  fail(err: unknown): void {
    if (!this.headSent) throw err;
    this.res.destroy();
  }
}
