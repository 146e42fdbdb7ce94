// Ownership: plain functions run once per test run, after round 3; single-threaded.
// Calendar writes made through Graph itself with the SDK, as m365sync's calendar push makes
// them: an event POSTed with a transactionId (and POSTed again: Graph answers with the same
// event instead of a duplicate), a weekly series of 3, a PATCH and a DELETE of existing single
// events. The next calendarView delta round must show exactly these changes, and the series'
// occurrences where its recurrence puts them (the one place the test knows instance ids'
// meaning without /_sim/ listing instances).

import { randomUUID } from 'node:crypto';

import { graphInstant } from './collection_checks.mjs';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function graphTime(date) {
  return { dateTime: date.toISOString().replace('Z', ''), timeZone: 'UTC' };
}

/// `ctx`: {checks, collectionChecks, truthOf(user) -> {byCollection, masters}}.
/// `targets`: [{tenant, user, calendar: Collection}] whose views finished round 3.
export async function eventWritesShowInDelta(ctx, targets, window) {
  const { checks, collectionChecks, truthOf } = ctx;
  const dayStart = new Date(Math.floor(window.start.getTime() / DAY_MS) * DAY_MS);
  for (const { tenant, user, calendar } of targets) {
    const label = `${calendar.label}: SDK writes`;
    const client = calendar.view.client;
    const events = `${tenant.graph}/users/${user.id}/events`;
    const singles = [...calendar.view.items.values()].filter((e) => e.type === 'singleInstance').map((e) => e.id).sort();
    if (!checks.check(`${label}: the view holds 2 single events to change`, singles.length >= 2, `it holds ${singles.length}`)) continue;
    try {
      calendar.truthBefore = (await truthOf(user)).byCollection.get('calendarView');
      calendar.touched = new Set();

      const start = new Date(dayStart.getTime() + 12 * DAY_MS + 15 * HOUR_MS);
      const body = {
        subject: `conformance push ${user.id.slice(0, 8)}`,
        start: graphTime(start),
        end: graphTime(new Date(start.getTime() + HOUR_MS)),
        transactionId: randomUUID(),
      };
      const created = await client.api(events).post(body);
      checks.check(`${label}: POST /events answers the created event`,
        typeof created.id === 'string' && created.subject === body.subject && created.transactionId === body.transactionId &&
        created.type === 'singleInstance',
        `id ${created.id}, subject '${created.subject}', transactionId ${created.transactionId}, type ${JSON.stringify(created.type)}`);
      const again = await client.api(events).post(body);
      checks.check(`${label}: a second POST with the same transactionId answers the same event`, again.id === created.id,
        `first ${created.id}, second ${again.id}`);

      const seriesStart = new Date(dayStart.getTime() + 20 * DAY_MS + 14 * HOUR_MS);
      const series = await client.api(events).post({
        subject: `conformance series ${user.id.slice(0, 8)}`,
        start: graphTime(seriesStart),
        end: graphTime(new Date(seriesStart.getTime() + HOUR_MS / 2)),
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: [WEEKDAYS[seriesStart.getUTCDay()]] },
          range: { type: 'numbered', startDate: seriesStart.toISOString().slice(0, 10), numberOfOccurrences: 3 },
        },
      });
      checks.check(`${label}: POST of a weekly series answers a seriesMaster with its recurrence`,
        series.type === 'seriesMaster' && series.recurrence?.pattern?.type === 'weekly' &&
        series.recurrence?.range?.type === 'numbered' && series.recurrence?.range?.numberOfOccurrences === 3,
        `type ${JSON.stringify(series.type)}, recurrence ${JSON.stringify(series.recurrence)}`);

      const patched = await client.api(`${events}/${singles[0]}`).patch({ subject: `conformance patched ${user.id.slice(0, 8)}` });
      checks.check(`${label}: PATCH /events/{id} answers the changed event`, patched.subject === `conformance patched ${user.id.slice(0, 8)}`,
        `subject '${patched.subject}'`);
      calendar.touched.add(singles[0]);
      await client.api(`${events}/${singles[1]}`).delete();

      const truth = await truthOf(user);
      calendar.truthAfter = truth.byCollection.get('calendarView');
      const { result } = await collectionChecks.walkRound(calendar, 'round after SDK writes', calendar.view.deltaLink);

      // The series' occurrences: exactly 3, a week apart from its start, each reported as new.
      const occurrences = [...calendar.view.items.values()].filter((e) => e.seriesMasterId === series.id);
      const starts = occurrences.map((e) => graphInstant(e.start)).sort((a, b) => a - b);
      const expected = [0, 7, 14].map((d) => seriesStart.getTime() + d * DAY_MS);
      checks.check(`${label}: the series shows its 3 weekly occurrences`,
        starts.length === 3 && starts.every((t, i) => t === expected[i]) && occurrences.every((e) => e.type === 'occurrence'),
        [`expected ${expected.map((t) => new Date(t).toISOString()).join(', ')}`,
         `got ${occurrences.map((e) => `${e.type} ${e.start?.dateTime}`).join(', ') || 'none'}`]);
      const occurrenceIds = new Set(occurrences.map((e) => e.id));
      checks.check(`${label}: the round reports the occurrences as added`,
        [...occurrenceIds].every((id) => result.added.has(id)), `added: ${[...result.added].join(', ')}`);

      // Everything else the round reported must be what the writes did to single events.
      const singlesOnly = {
        added: new Set([...result.added].filter((id) => !occurrenceIds.has(id))),
        updated: result.updated,
        removed: result.removed,
      };
      collectionChecks.checkChanges(calendar, singlesOnly, new Set(), 'round after SDK writes');
      collectionChecks.compareWithTruth(calendar, calendar.truthAfter, 'SDK writes');
      collectionChecks.checkSeriesInstances(calendar, truth.masters, window, 'SDK writes');
    } catch (err) {
      checks.error(label, err);
    }
  }
}
