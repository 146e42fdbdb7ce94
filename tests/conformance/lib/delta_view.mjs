// Ownership: one per (mailbox, collection) under test; single-threaded (Node's event loop).
// The client's view of one delta collection (a mail folder's messages or a calendarView): each
// round is walked with the SDK's PageIterator and applied to the view, as a sync client would.

import { PageIterator } from '@microsoft/microsoft-graph-client';

/// What one round changed in the view.
export class RoundResult {
  constructor() {
    this.added = new Set();
    this.updated = new Set();
    this.removed = new Set();   // ids the round reported @removed (known to the view or not)
    this.seen = [];             // every id in arrival order (duplicates visible)
    this.deltaLink = undefined;
    this.complete = false;
  }
}

export class DeltaView {
  /// `client`: an SDK Client; `headers`: sent on every page (Prefer: odata.maxpagesize …).
  constructor(client, headers) {
    this.client = client;
    this.headers = headers;
    this.items = new Map(); // id -> last item body the client saw
    this.deltaLink = undefined;
  }

  /// Walks one round from `url` (the initial delta URL, or the last deltaLink when omitted)
  /// to its deltaLink, applying every item. Throws what the SDK throws (GraphError).
  async round(url = this.deltaLink) {
    if (url === undefined) throw new Error('no deltaLink from the previous round');
    const result = new RoundResult();
    const first = await this.client.api(url).headers(this.headers).get();
    const apply = (item) => {
      this.apply(item, result);
      return true; // keep iterating
    };
    const iterator = new PageIterator(this.client, first, apply, { headers: this.headers });
    await iterator.iterate();
    result.complete = iterator.isComplete();
    result.deltaLink = iterator.getDeltaLink();
    this.deltaLink = result.deltaLink;
    return result;
  }

  apply(item, result) {
    const id = item.id;
    result.seen.push(id);
    if (item['@removed'] !== undefined) {
      this.items.delete(id);
      result.removed.add(id);
      result.added.delete(id);
      result.updated.delete(id);
      return;
    }
    if (this.items.has(id) && !result.added.has(id)) {
      result.updated.add(id);
    } else {
      result.added.add(id);
    }
    result.removed.delete(id);
    this.items.set(id, item);
  }

  ids() {
    return new Set(this.items.keys());
  }
}
