// Ownership: plain functions run once per test run, after the delta rounds; single-threaded.
// Two situations a sync client meets on real Graph, walked with the SDK's default middleware:
//   resync   the mailbox's sync state is gone (410 syncStateNotFound on the deltaLink); the
//            SDK must surface Graph's error code, and a fresh round from the initial URL must
//            rebuild a view equal to the truth
//   faults   the simulator answers some requests with 429 (Retry-After) or 503 and replays items
//            on some pages; the SDK's RetryHandler retries and the view must still equal the truth

import { DeltaView } from './delta_view.mjs';

/// The fault profile of the faults walk: seeded, so the same requests meet the same faults.
/// Only faults the SDK's RetryHandler retries promptly (Retry-After given): a 504 or a 429
/// without Retry-After would make it wait its 3 s default per attempt.
export const FAULTS = {
  seed: 424242,
  throttle_429: 0.08,
  http_503: 0.04,
  retry_after_seconds: [0.05, 0.2],
  replay_items: 0.1,
  latency: { probability: 0.2, min_ms: 1, max_ms: 20 },
};

/// `ctx`: {control, checks, collectionChecks, requestLog, truthOf(user) -> {byCollection: Map name
/// -> truth Map, masters}}.
/// `targets`: [{user, collections: [Collection]}] with views that finished round 3.
export async function resyncAfterSyncStateLoss(ctx, targets) {
  const { control, checks, collectionChecks, truthOf } = ctx;
  for (const { user, collections } of targets) {
    await control.invalidate(user.id);
    const truth = (await truthOf(user)).byCollection;
    for (const c of collections) {
      const name = `${c.label}: after /_sim/ invalidate`;
      try {
        await c.view.round(c.view.deltaLink);
        checks.check(`${name} the deltaLink answers 410 syncStateNotFound`, false, 'the round succeeded');
      } catch (err) {
        checks.check(`${name} the deltaLink answers 410 syncStateNotFound`,
          err.statusCode === 410 && err.code === 'syncStateNotFound',
          `got HTTP ${err.statusCode} code ${err.code}: ${err.message}`);
      }
      c.view = new DeltaView(c.view.client, c.view.headers);
      try {
        await collectionChecks.walkRound(c, 'resync from the initial URL', c.url);
        collectionChecks.compareWithTruth(c, truth.get(c.name), 'resync');
      } catch (err) {
        checks.error(`${name} resync`, err);
      }
    }
  }
}

export async function walkUnderFaults(ctx, targets) {
  const { control, checks, collectionChecks, requestLog, truthOf } = ctx;
  const mark = requestLog.mark();
  let replayed = 0;
  await control.setFaults(FAULTS);
  try {
    for (const { user, collections } of targets) {
      const truth = (await truthOf(user)).byCollection;
      for (const c of collections) {
        c.view = new DeltaView(c.view.client, c.view.headers);
        try {
          const { result } = await collectionChecks.walkRound(c, 'full round under 429/503 faults', c.url, { faults: true });
          replayed += result.seen.length - new Set(result.seen).size;
          collectionChecks.compareWithTruth(c, truth.get(c.name), 'a round under faults');
        } catch (err) {
          checks.error(`${c.label}: full round under 429/503 faults`, err);
        }
      }
    }
  } finally {
    await control.setFaults({});
  }
  const statuses = requestLog.since(mark).map((r) => r.status);
  const retried = statuses.filter((s) => s === 429 || s === 503).length;
  checks.check('the faults walk met 429/503 answers and the SDK retried them', retried > 0,
    `${statuses.length} requests, none answered 429 or 503: the fault profile did not apply`);
  return { requests: statuses.length, retried, replayed };
}
