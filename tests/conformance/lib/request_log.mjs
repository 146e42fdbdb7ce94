// Ownership: one per test run; single-threaded (Node's event loop).
// Observes the HTTP requests the Graph SDK sends (the SDK's HTTPMessageHandler calls the global
// fetch), so the test can tell how many pages a round took and whether the token went along.
// It only watches: requests and responses pass through unchanged.

export class RequestLog {
  constructor() {
    this.entries = []; // {method, url, status, authorized, prefer, items: Promise<number|undefined>}
    this.original = undefined;
  }

  /// Replaces globalThis.fetch with an observing wrapper; returns the original fetch, which
  /// the test uses for its own (non-SDK) calls so they stay out of the log.
  install() {
    const original = globalThis.fetch;
    this.original = original;
    globalThis.fetch = async (input, init = {}) => {
      const request = input instanceof Request ? input : undefined;
      const url = request ? request.url : String(input);
      const headers = new Headers(init.headers ?? (request ? request.headers : undefined));
      const entry = {
        method: init.method ?? (request ? request.method : 'GET'),
        url,
        authorized: /^Bearer \S+/.test(headers.get('authorization') ?? ''),
        prefer: headers.get('prefer') ?? '',
        status: undefined,
      };
      this.entries.push(entry);
      const response = await original(input, init);
      entry.status = response.status;
      // Items on the page, read from a clone so the SDK gets the body untouched.
      if (response.status === 200 && (response.headers.get('content-type') ?? '').includes('json')) {
        entry.items = response.clone().json().then((body) => (Array.isArray(body?.value) ? body.value.length : undefined),
          () => undefined);
      }
      return response;
    };
    return original;
  }

  /// Position to count from (entries after a mark belong to what ran since).
  mark() {
    return this.entries.length;
  }

  since(mark) {
    return this.entries.slice(mark);
  }
}
