// Ownership: one per test run, single-threaded (Node's event loop).
// Collects named checks, prints each failure with its details and the closing `N passed, M failed`.

export class CheckList {
  constructor() {
    this.passed = 0;
    this.failures = [];
  }

  /// Records one check. `details` (string or array of lines) explains a failure: which
  /// user/folder, which ids are missing or extra.
  check(name, ok, details = '') {
    if (ok) {
      this.passed += 1;
      return true;
    }
    const lines = Array.isArray(details) ? details : [details];
    this.failures.push({ name, lines: lines.filter((l) => l !== '') });
    console.log(`FAIL ${name}`);
    for (const line of lines) if (line !== '') console.log(`     ${line}`);
    return false;
  }

  /// Checks that two id sets are equal; a failure lists the missing and extra ids (capped).
  sameIds(name, actual, expected, describe = (id) => id) {
    const missing = [...expected].filter((id) => !actual.has(id));
    const extra = [...actual].filter((id) => !expected.has(id));
    const cap = (ids) => ids.slice(0, 8).map(describe).join(', ') + (ids.length > 8 ? `, … (${ids.length} in all)` : '');
    const details = [];
    if (missing.length) details.push(`missing ${missing.length}: ${cap(missing)}`);
    if (extra.length) details.push(`extra ${extra.length}: ${cap(extra)}`);
    return this.check(name, missing.length === 0 && extra.length === 0, details);
  }

  /// Records a thrown error as a failed check (the run goes on with the next unit).
  error(name, err) {
    const lines = [String(err && err.stack ? err.stack.split('\n').slice(0, 4).join('\n     ') : err)];
    if (err && err.statusCode !== undefined) lines.unshift(`HTTP ${err.statusCode} ${err.code ?? ''} ${err.body ?? ''}`.trim());
    return this.check(name, false, lines);
  }

  get failed() {
    return this.failures.length;
  }

  summary() {
    return `${this.passed} passed, ${this.failed} failed`;
  }
}
