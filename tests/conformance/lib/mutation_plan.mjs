// Ownership: plain functions; a plan is used once, single-threaded.
// The changes made between round 1 and round 2, chosen from what the client saw in round 1
// (sorted ids, so the run is deterministic for a seed). Every kind of change a sync client must
// handle appears at least once per user: adds, updates, deletes, moves between folders, an
// update followed by a move, a double update, an add followed by a delete; for the calendar:
// adds inside and outside the window, an update, an update moving an event out of the window,
// an update moving a new event into it, a delete.
//
// Each plan also records what the ground truth must say afterwards (`expectations`), so a
// simulator whose truth ignored a change cannot pass by ignoring it in delta as well.

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

function sortedIds(collection) {
  return [...collection.view.ids()].sort();
}

/// Runs one control call; a failure is a failed check naming the call (the plan goes on).
async function step(checks, label, what, call) {
  try {
    const value = await call();
    checks.check(`${label}: ${what}`, true);
    return value;
  } catch (err) {
    checks.error(`${label}: ${what}`, err);
    return undefined;
  }
}

/// Expectation on a message, keyed by its immutable id: `{gone: true}` or `{folder, subject?, isRead?}`.
function expectMessage(expectations, what, immutableId, state) {
  expectations.push({ kind: 'message', what, id: immutableId, ...state });
}

export function planMessageMutations(collections) {
  const inbox = collections.get('inbox');
  const sent = collections.get('sentitems');
  const archive = collections.get('archive');
  for (const [name, c] of [['inbox', inbox], ['sentitems', sent], ['archive', archive], ['deleteditems', collections.get('deleteditems')]]) {
    if (c === undefined) throw new Error(`the message plan needs folder ${name}`);
  }
  const I = sortedIds(inbox);
  const S = sortedIds(sent);
  const A = sortedIds(archive);
  if (I.length < 5 || S.length < 2 || A.length < 2) {
    return { ok: false, reason: `inbox has ${I.length} (needs 5), sentitems ${S.length} (needs 2), archive ${A.length} (needs 2)` };
  }
  // The truth names every message by both id forms; expectations use the immutable one.
  const immutable = (collection, id) => collection.truthBefore.get(id)?.immutable_id ?? id;

  const apply = async (control, userId, checks, label) => {
    const expectations = [];
    const stamp = `conformance ${userId.slice(0, 8)}`;
    const add = async (folder, n) => {
      const subject = `${stamp} new ${n}`;
      const added = await step(checks, label, `add a message to ${folder}`,
        () => control.addMessage(userId, folder, { subject }));
      if (added !== undefined) expectMessage(expectations, `added message ${n}`, added.immutable_id, { folder, subject });
      return added;
    };
    await add('inbox', 1);
    await add('inbox', 2);
    await add('archive', 3);

    const isRead = inbox.view.items.get(I[0]).isRead === true || inbox.view.items.get(I[0]).isRead === 'true';
    await step(checks, label, 'update an inbox message (subject, isRead)',
      () => control.updateMessage(userId, I[0], { subject: `${stamp} updated`, isRead: !isRead }));
    inbox.touched.add(I[0]);
    expectMessage(expectations, 'updated inbox message', immutable(inbox, I[0]),
      { folder: 'inbox', subject: `${stamp} updated`, isRead: !isRead });

    await step(checks, label, 'update a sent message (subject)',
      () => control.updateMessage(userId, S[0], { subject: `${stamp} sent updated` }));
    sent.touched.add(S[0]);
    expectMessage(expectations, 'updated sent message', immutable(sent, S[0]), { folder: 'sentitems', subject: `${stamp} sent updated` });

    await step(checks, label, 'update an inbox message twice (1/2)',
      () => control.updateMessage(userId, I[4], { subject: `${stamp} twice 1` }));
    await step(checks, label, 'update an inbox message twice (2/2)',
      () => control.updateMessage(userId, I[4], { subject: `${stamp} twice 2` }));
    inbox.touched.add(I[4]);
    expectMessage(expectations, 'twice-updated message', immutable(inbox, I[4]), { folder: 'inbox', subject: `${stamp} twice 2` });

    await step(checks, label, 'delete an inbox message', () => control.deleteMessage(userId, I[1]));
    expectMessage(expectations, 'deleted inbox message', immutable(inbox, I[1]), { gone: true });
    await step(checks, label, 'delete an archived message', () => control.deleteMessage(userId, A[0]));
    expectMessage(expectations, 'deleted archived message', immutable(archive, A[0]), { gone: true });

    await step(checks, label, 'move a message inbox -> archive', () => control.moveMessage(userId, I[2], 'archive'));
    expectMessage(expectations, 'message moved inbox -> archive', immutable(inbox, I[2]), { folder: 'archive' });
    await step(checks, label, 'move a message archive -> deleteditems', () => control.moveMessage(userId, A[1], 'deleteditems'));
    expectMessage(expectations, 'message moved archive -> deleteditems', immutable(archive, A[1]), { folder: 'deleteditems' });
    await step(checks, label, 'move a message sentitems -> inbox', () => control.moveMessage(userId, S[1], 'inbox'));
    expectMessage(expectations, 'message moved sentitems -> inbox', immutable(sent, S[1]), { folder: 'inbox' });

    await step(checks, label, 'update then move a message inbox -> archive (1/2)',
      () => control.updateMessage(userId, I[3], { subject: `${stamp} moved after update` }));
    inbox.touched.add(I[3]);
    await step(checks, label, 'update then move a message inbox -> archive (2/2)',
      () => control.moveMessage(userId, I[3], 'archive'));
    expectMessage(expectations, 'message updated then moved', immutable(inbox, I[3]),
      { folder: 'archive', subject: `${stamp} moved after update` });

    // Created and deleted between the rounds: must not be in the view after round 2.
    const transient = new Set();
    const added = await add('inbox', 4);
    if (added !== undefined) {
      expectations.pop(); // it is about to go
      transient.add(added.id).add(added.immutable_id);
      await step(checks, label, 'delete the message just added', () => control.deleteMessage(userId, added.id));
      expectMessage(expectations, 'message added then deleted', added.immutable_id, { gone: true });
    }
    return { transient, expectations };
  };
  return { ok: true, reason: '', apply };
}

export function planCalendarMutations(calendar, window) {
  const singles = sortedIds(calendar).filter((id) => calendar.view.items.get(id).type === 'singleInstance');
  if (singles.length < 3) {
    return { ok: false, reason: `calendarView shows ${singles.length} single events (needs 3)` };
  }
  const at = (base, days, hour) => new Date(base.getTime() + days * DAY_MS + hour * HOUR_MS);
  const span = (start) => ({ start, end: new Date(start.getTime() + HOUR_MS) });
  const dayStart = new Date(Math.floor(window.start.getTime() / DAY_MS) * DAY_MS);
  const expectEvent = (expectations, what, id, state) => {
    if (id !== undefined) expectations.push({ kind: 'event', what, id, ...state });
  };

  const apply = async (control, userId, checks, label) => {
    const expectations = [];
    const stamp = `conformance ${userId.slice(0, 8)}`;
    const inside = span(at(dayStart, 10, 10));
    const added = await step(checks, label, 'add an event inside the window',
      () => control.addEvent(userId, { subject: `${stamp} inside`, ...inside }));
    expectEvent(expectations, 'event added inside the window', added, { subject: `${stamp} inside`, start: inside.start });
    const outside = span(at(window.end, 10, 10));
    const far = await step(checks, label, 'add an event after the window',
      () => control.addEvent(userId, { subject: `${stamp} outside`, ...outside }));
    expectEvent(expectations, 'event added after the window', far, { subject: `${stamp} outside`, start: outside.start });
    const late = await step(checks, label, 'add an event before the window',
      () => control.addEvent(userId, { subject: `${stamp} moved in`, ...span(at(dayStart, -10, 9)) }));
    if (late !== undefined) {
      const into = span(at(dayStart, 11, 9));
      await step(checks, label, 'move that event into the window', () => control.updateEvent(userId, late, into));
      expectEvent(expectations, 'event moved into the window', late, { subject: `${stamp} moved in`, start: into.start });
    }
    await step(checks, label, 'update an event (subject)',
      () => control.updateEvent(userId, singles[0], { subject: `${stamp} event updated` }));
    calendar.touched.add(singles[0]);
    expectEvent(expectations, 'updated event', singles[0], { subject: `${stamp} event updated` });
    const away = span(at(window.end, 20, 11));
    await step(checks, label, 'move an event out of the window', () => control.updateEvent(userId, singles[1], away));
    calendar.touched.add(singles[1]);
    expectEvent(expectations, 'event moved out of the window', singles[1], { start: away.start });
    await step(checks, label, 'delete an event', () => control.deleteEvent(userId, singles[2]));
    expectEvent(expectations, 'deleted event', singles[2], { gone: true });
    return { expectations };
  };
  return { ok: true, reason: '', apply };
}
