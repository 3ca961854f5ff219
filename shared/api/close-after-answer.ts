// Closing a connection whose request body is still arriving (a 413, a 415, a proxy passing such an
// answer on). Node closes a `Connection: close` socket as soon as the answer is written, and closing
// with unread bytes resets the connection: the reset can reach a client that is still sending before
// it has read the answer, and its socket is torn down with the answer unread (a proxy then sees a
// dead peer). So the close is staged (RFC 9112 §9.6): the answer and a FIN go out at once, the rest
// of the body stays unread (the peer's window closes, its writes wait), and the reset comes only
// after a grace in which the client reads the answer.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a refused request's connection stays half-closed before it is reset. */
export const ANSWER_GRACE_MS = 1000;

export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, graceMs = ANSWER_GRACE_MS): void {
  const socket = req.socket;
  res.setHeader('connection', 'close');
  // What Node calls after a `Connection: close` answer: a half-close, not the full close.
  socket.destroySoon = () => void socket.end();
  res.once('finish', () => setTimeout(() => socket.destroy(), graceMs).unref());
}
