import { LSPErrorCodes, ResponseError, type CancellationToken, type DiagnosticServerCancellationData } from 'vscode-languageserver';

export function requestCancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** LSP 3.17: the server gave up on a pull; `retriggerRequest` asks the client to pull again. */
export function serverCancelled(retriggerRequest: boolean, reason: string): ResponseError<DiagnosticServerCancellationData> {
  return new ResponseError(LSPErrorCodes.ServerCancelled, reason, { retriggerRequest });
}

export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw requestCancelled();
}

/**
 * Waits for `promise`, but answers `RequestCancelled` as soon as the client cancels: a request
 * waiting for the client (settings) or for shared work (a scan) need not keep the client waiting.
 */
export function untilCancelled<T>(promise: Promise<T>, token: CancellationToken | undefined): Promise<T> {
  if (!token) return promise;
  if (token.isCancellationRequested) return Promise.reject(requestCancelled());
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => reject(requestCancelled()));
    promise.then(
      (value) => (listener.dispose(), resolve(value)),
      (error) => (listener.dispose(), reject(error)),
    );
  });
}

/** One turn of the event loop: messages already read from the connection are handled first. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type Listener = (closed: boolean) => void;

/**
 * Tells pull requests that wait for something that their document moved on (a new version or a
 * close), so that they stop at once instead of answering for text the client no longer has.
 */
export class DocumentWatch {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Called after the store took the new version (or dropped the document). */
  moved(uri: string, closed = false): void {
    const listeners = this.listeners.get(uri);
    if (!listeners) return;
    this.listeners.delete(uri);
    for (const listener of listeners) listener(closed);
  }

  /**
   * `promise`'s value, unless the request is cancelled (`RequestCancelled`) or the document moves
   * on first (`ServerCancelled`: retriggered for a new version, not after a close).
   */
  wait<T>(uri: string, promise: Promise<T>, token: CancellationToken): Promise<T> {
    if (token.isCancellationRequested) return Promise.reject(requestCancelled());
    return new Promise<T>((resolve, reject) => {
      let listeners = this.listeners.get(uri);
      if (!listeners) this.listeners.set(uri, (listeners = new Set()));
      const onMoved: Listener = (closed) => {
        cancel.dispose();
        reject(closed ? serverCancelled(false, 'document closed') : serverCancelled(true, 'document changed'));
      };
      const cancel = token.onCancellationRequested(() => {
        done();
        reject(requestCancelled());
      });
      const done = () => {
        cancel.dispose();
        const current = this.listeners.get(uri);
        current?.delete(onMoved);
        if (current?.size === 0) this.listeners.delete(uri);
      };
      listeners.add(onMoved);
      promise.then(
        (value) => (done(), resolve(value)),
        (error) => (done(), reject(error)),
      );
    });
  }
}
