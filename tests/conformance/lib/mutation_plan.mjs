// Ownership: plain functions; plans are used once, single-threaded.
// The changes made between round 1 and round 2, chosen from what the client saw in round 1
// (sorted ids, so the run is deterministic for a seed). Every kind of change a sync client must
// handle appears at least once per user: adds, updates, deletes, moves between folders, an
// update followed by a move, a double update, an add followed by a delete; for the calendar:
// adds inside and outside the window, an update, an update moving an event out of the window,
// an update moving a new event into it, a delete.

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

export function planMessageMutations(collections, folders) {
  for (const f of ['inbox', 'sentitems', 'archive', 'deleteditems']) {
    if (!folders.includes(f)) throw new Error(`the message plan needs folder ${f}`);
  }
  const inbox = collections.get('inbox');
  const sent = collections.get('sentitems');
  const archive = collections.get('archive');
  const I = sortedIds(inbox);
  const S = sortedIds(sent);
  const A = sortedIds(archive);
  if (I.length < 5 || S.length < 2 || A.length < 2) {
    return { ok: false, reason: `inbox has ${I.length} (needs 5), sentitems ${S.length} (needs 2), archive ${A.length} (needs 2)` };
  }
  const apply = async (control, userId, checks, label) => {
    const stamp = `conformance ${userId.slice(0, 8)}`;
    const add = (folder, n) => step(checks, label, `add a message to ${folder}`,
      () => control.addMessage(userId, folder, { subject: `${stamp} new ${n}` }));
    await add('inbox', 1);
    await add('inbox', 2);
    await add('archive', 3);

    await step(checks, label, 'update an inbox message (subject, isRead)',
      () => control.updateMessage(userId, I[0], { subject: `${stamp} updated`, isRead: !inbox.view.items.get(I[0]).isRead }));
    inbox.touched.add(I[0]);
    await step(checks, label, 'update a sent message (subject)',
      () => control.updateMessage(userId, S[0], { subject: `${stamp} sent updated` }));
    sent.touched.add(S[0]);
    await step(checks, label, 'update an inbox message twice (1/2)',
      () => control.updateMessage(userId, I[4], { subject: `${stamp} twice 1` }));
    await step(checks, label, 'update an inbox message twice (2/2)',
      () => control.updateMessage(userId, I[4], { subject: `${stamp} twice 2` }));
    inbox.touched.add(I[4]);

    await step(checks, label, 'delete an inbox message', () => control.deleteMessage(userId, I[1]));
    await step(checks, label, 'delete an archived message', () => control.deleteMessage(userId, A[0]));

    await step(checks, label, 'move a message inbox -> archive', () => control.moveMessage(userId, I[2], 'archive'));
    await step(checks, label, 'move a message archive -> deleteditems', () => control.moveMessage(userId, A[1], 'deleteditems'));
    await step(checks, label, 'move a message sentitems -> inbox', () => control.moveMessage(userId, S[1], 'inbox'));
    await step(checks, label, 'update then move a message inbox -> archive (1/2)',
      () => control.updateMessage(userId, I[3], { subject: `${stamp} moved after update` }));
    inbox.touched.add(I[3]);
    await step(checks, label, 'update then move a message inbox -> archive (2/2)',
      () => control.moveMessage(userId, I[3], 'archive'));

    // Created and deleted between the rounds: must not be in the view after round 2.
    const transient = new Set();
    const id = await add('inbox', 4);
    if (id !== undefined) {
      transient.add(id);
      await step(checks, label, 'delete the message just added', () => control.deleteMessage(userId, id));
    }
    return transient;
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
  const apply = async (control, userId, checks, label) => {
    const stamp = `conformance ${userId.slice(0, 8)}`;
    await step(checks, label, 'add an event inside the window',
      () => control.addEvent(userId, { subject: `${stamp} inside`, ...span(at(dayStart, 10, 10)) }));
    await step(checks, label, 'add an event after the window',
      () => control.addEvent(userId, { subject: `${stamp} outside`, ...span(at(window.end, 10, 10)) }));
    const late = await step(checks, label, 'add an event before the window',
      () => control.addEvent(userId, { subject: `${stamp} moved in`, ...span(at(dayStart, -10, 9)) }));
    if (late !== undefined) {
      await step(checks, label, 'move that event into the window',
        () => control.updateEvent(userId, late, span(at(dayStart, 11, 9))));
    }
    await step(checks, label, 'update an event (subject)',
      () => control.updateEvent(userId, singles[0], { subject: `${stamp} event updated` }));
    calendar.touched.add(singles[0]);
    await step(checks, label, 'move an event out of the window',
      () => control.updateEvent(userId, singles[1], span(at(window.end, 20, 11))));
    calendar.touched.add(singles[1]);
    await step(checks, label, 'delete an event', () => control.deleteEvent(userId, singles[2]));
  };
  return { ok: true, reason: '', apply };
}
