// Ownership: one per test run; single-threaded (Node's event loop).
// The checks every delta round of a collection (lib/collection.mjs) must pass: how the round
// was walked (pages, links, headers) and whether the client's view equals the simulator's
// ground truth.

/// isRead as a boolean (a documented Graph delta body carries it as the string "true").
export function readFlag(value) {
  return value === true || value === 'true';
}

/// Milliseconds of a Graph dateTimeTimeZone in UTC (the simulator answers in UTC unless asked
/// otherwise), or NaN.
export function graphInstant(value) {
  if (!value || typeof value.dateTime !== 'string' || value.timeZone !== 'UTC') return NaN;
  return Date.parse(value.dateTime.endsWith('Z') ? value.dateTime : `${value.dateTime}Z`);
}

export class CollectionChecks {
  /// `checks`: the run's CheckList; `requestLog`: the RequestLog observing the SDK;
  /// `pageSize`: the odata.maxpagesize every round asks for; `messageKeys`: the keys a message
  /// of the `$select`ed delta may carry.
  constructor(checks, requestLog, pageSize, messageKeys) {
    this.checks = checks;
    this.requestLog = requestLog;
    this.pageSize = pageSize;
    this.messageKeys = messageKeys;
  }

  /// Runs one round and checks what every round must satisfy: it ends with a deltaLink, the
  /// iterator completes, pages respect odata.maxpagesize, every request carried the token and
  /// the Prefer header. With `faults` the simulator injects 429/503 answers and replayed items:
  /// then retries and repeats are allowed, anything but 200/429/503 is not.
  async walkRound(collection, roundName, url, { faults = false } = {}) {
    const mark = this.requestLog.mark();
    const result = await collection.view.round(url);
    const requests = this.requestLog.since(mark);
    const pages = requests.filter((r) => r.status === 200).length;
    const name = `${collection.label}: ${roundName}`;
    this.checks.check(`${name} ends with an @odata.deltaLink`,
      result.complete && typeof result.deltaLink === 'string' && result.deltaLink.startsWith('https://'),
      `complete=${result.complete}, deltaLink=${result.deltaLink}`);
    const sizes = await Promise.all(requests.filter((r) => r.status === 200).map((r) => r.items));
    const oversized = sizes.filter((n) => !(n <= this.pageSize));
    this.checks.check(`${name} returns at most ${this.pageSize} items per page`, oversized.length === 0,
      `page sizes ${sizes.join(', ')}`);
    const allowed = faults ? [200, 429, 503] : [200];
    const failed = requests.filter((r) => !allowed.includes(r.status));
    this.checks.check(`${name} gets HTTP ${allowed.join('/')} on every request`, failed.length === 0,
      failed.map((r) => `HTTP ${r.status} on ${r.method} ${r.url}`));
    const unauthorized = requests.filter((r) => !r.authorized);
    this.checks.check(`${name} sends the bearer token on every request`, unauthorized.length === 0,
      unauthorized.map((r) => `no token on ${r.method} ${r.url}`));
    const unpreferred = requests.filter((r) => !r.prefer.includes(`odata.maxpagesize=${this.pageSize}`));
    this.checks.check(`${name} resends Prefer on every request`, unpreferred.length === 0,
      unpreferred.map((r) => `no Prefer on ${r.method} ${r.url}`));
    if (!faults) {
      const duplicates = result.seen.filter((id, i) => result.seen.indexOf(id) !== i);
      this.checks.check(`${name} reports each item once`, duplicates.length === 0,
        `repeated: ${[...new Set(duplicates)].join(', ')}`);
    }
    return { result, pages, requests };
  }

  /// The client's view must equal the truth: same ids, and per id the same content.
  compareWithTruth(collection, truth, when) {
    const name = `${collection.label}: view after ${when}`;
    const describe = (id) => `${id} '${(truth.get(id) ?? collection.view.items.get(id))?.subject ?? '?'}'`;
    const what = collection.kind === 'messages' ? 'messages' : 'single events';
    this.checks.sameIds(`${name} holds exactly the ground-truth ${what}`, collection.comparableIds(), new Set(truth.keys()), describe);
    const wrong = [];
    for (const [id, expected] of truth) {
      const seen = collection.view.items.get(id);
      if (!seen) continue;
      if (seen.subject !== expected.subject) wrong.push(`${id}: subject '${seen.subject}', truth '${expected.subject}'`);
      if (collection.kind === 'messages') {
        if (seen.internetMessageId !== expected.internet_message_id)
          wrong.push(`${id}: internetMessageId '${seen.internetMessageId}', truth '${expected.internet_message_id}'`);
        if (readFlag(seen.isRead) !== expected.is_read)
          wrong.push(`${id}: isRead ${seen.isRead}, truth ${expected.is_read}`);
      } else {
        if (graphInstant(seen.start) !== Date.parse(expected.start) || graphInstant(seen.end) !== Date.parse(expected.end))
          wrong.push(`${id}: ${JSON.stringify(seen.start)}..${JSON.stringify(seen.end)}, truth ${expected.start}..${expected.end}`);
      }
    }
    this.checks.check(`${name} carries the ground-truth content`, wrong.length === 0, wrong.slice(0, 10));
    if (collection.kind === 'messages') this.checkFolderAndSelect(collection, name);
  }

  /// Messages carry only the `$select`ed properties, and parentFolderId is the folder's id as
  /// GET /users/{id}/mailFolders/{name} gives it.
  checkFolderAndSelect(collection, name) {
    const unselected = new Set();
    const elsewhere = [];
    for (const [id, m] of collection.view.items) {
      for (const key of Object.keys(m)) if (!this.messageKeys.has(key)) unselected.add(key);
      if (m.parentFolderId !== collection.folderId) elsewhere.push(`${id}: parentFolderId ${m.parentFolderId}`);
    }
    this.checks.check(`${name} carries only the $select'ed properties`, unselected.size === 0,
      `unselected properties: ${[...unselected].join(', ')}`);
    this.checks.check(`${name} names the folder's id as parentFolderId`, elsewhere.length === 0,
      [`folder id ${collection.folderId}`, ...elsewhere.slice(0, 5)]);
  }

  /// Instances of series in the view. The truth lists series masters only, not the occurrence ids
  /// of a window (see README: missing in m365sim), so this checks what it can: every instance
  /// belongs to a live series master of the truth and lies in the window, and every master whose
  /// first occurrence lies in the window shows at least one instance.
  checkSeriesInstances(collection, masters, window, when) {
    const name = `${collection.label}: series instances after ${when}`;
    const instances = [...collection.view.items.values()].filter((e) => e.type !== 'singleInstance');
    const bad = [];
    const shown = new Set();
    for (const e of instances) {
      if (e.type !== 'occurrence' && e.type !== 'exception') bad.push(`${e.id}: type '${e.type}' in a calendarView`);
      else if (!masters.has(e.seriesMasterId)) bad.push(`${e.id}: seriesMasterId ${e.seriesMasterId} is not a live series master`);
      const start = graphInstant(e.start);
      const end = graphInstant(e.end);
      if (!(start < window.end.getTime() && end > window.start.getTime()))
        bad.push(`${e.id}: ${JSON.stringify(e.start)}..${JSON.stringify(e.end)} outside the window`);
      shown.add(e.seriesMasterId);
    }
    this.checks.check(`${name} belong to live series and lie in the window`, bad.length === 0, bad.slice(0, 10));
    const missing = [...masters.values()].filter((m) => Date.parse(m.start) < window.end.getTime() &&
      Date.parse(m.end) > window.start.getTime() && !shown.has(m.id));
    this.checks.check(`${name} include every series starting in the window`, missing.length === 0,
      missing.map((m) => `series ${m.id} '${m.subject}' starts ${m.start}, no instance in the view`));
  }

  /// Round 2 must report what changed between the truths, and nothing else.
  checkChanges(collection, result, transient, roundName = 'round 2') {
    const before = collection.truthBefore;
    const after = collection.truthAfter;
    const added = new Set([...after.keys()].filter((id) => !before.has(id)));
    const removed = new Set([...before.keys()].filter((id) => !after.has(id)));
    const updated = new Set([...collection.touched].filter((id) => before.has(id) && after.has(id)));
    const name = `${collection.label}: ${roundName}`;
    const describe = (id) => `${id} '${(after.get(id) ?? before.get(id))?.subject ?? '?'}'`;
    this.checks.sameIds(`${name} reports the new items as added`, result.added, added, describe);
    this.checks.sameIds(`${name} reports the changed items as updated`, result.updated, updated, describe);
    // An item created and deleted between the rounds may show up as @removed (Graph does that);
    // anything else reported as removed must have left the collection.
    const removedSeen = new Set([...result.removed].filter((id) => !transient.has(id)));
    this.checks.sameIds(`${name} reports the items that left as @removed`, removedSeen, removed, describe);
  }
}
