// Ownership: the whole conformance run, single-threaded (Node's event loop); started by
// run_conformance.sh with SIM_URL, SIM_MANIFEST and NODE_EXTRA_CA_CERTS set.
//
// Microsoft's Graph JavaScript client walks m365sim as it would walk Graph:
//   round 1  messages delta of several folders and calendarView delta, for every user of every
//            tenant, each tenant with its own app token; the client's view must equal /_sim/ truth
//   mutate   through /_sim/: adds, updates, deletes, moves between folders, event changes
//   round 2  from each deltaLink; the round must report exactly what changed (added / updated /
//            removed) and the view must again equal the truth
//   round 3  from the new deltaLink with no changes: nothing is reported
// plus: a tenant's token is refused on another tenant's users.
// Exit code 0 only when every check passed; the last line is `N passed, M failed`.

import { Client } from '@microsoft/microsoft-graph-client';

import { CheckList } from './lib/check_list.mjs';
import { DeltaView } from './lib/delta_view.mjs';
import { RequestLog } from './lib/request_log.mjs';
import { SimControl } from './lib/sim_control.mjs';
import { fetchAppToken, loadManifest } from './lib/sim_tenant.mjs';
import { planCalendarMutations, planMessageMutations } from './lib/mutation_plan.mjs';

const PAGE_SIZE = 5;
const FOLDERS = ['inbox', 'sentitems', 'archive', 'deleteditems'];
const DAY_MS = 86400 * 1000;
const MESSAGE_SELECT = 'subject,internetMessageId,isRead,parentFolderId';

const checks = new CheckList();
const requestLog = new RequestLog();
const plainFetch = requestLog.install();

/// The calendarView window: from 30 days before today to 90 days after (seeded events lie
/// between 60 days before and 180 days after the simulator's anchor, today 00:00 UTC).
function calendarWindow() {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return { start: new Date(today - 30 * DAY_MS), end: new Date(today + 90 * DAY_MS) };
}

/// isRead as a boolean (one documented Graph body carries it as the string "true").
function readFlag(value) {
  return value === true || value === 'true';
}

function graphClient(tenant, token) {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => token },
    // The SDK attaches the token only to Microsoft's hosts and these.
    customHosts: new Set([new URL(tenant.graph).hostname]),
  });
}

// -- one collection (a mail folder or the calendarView) of one user --

class Collection {
  constructor({ label, kind, folder, url, view }) {
    this.label = label; // "contoso/adele.vance@contoso.com/inbox"
    this.kind = kind;   // 'messages' | 'events'
    this.folder = folder;
    this.url = url;
    this.view = view;
    this.truthBefore = new Map();
    this.truthAfter = new Map();
    this.touched = new Set(); // ids whose content the mutations changed
  }
}

/// Runs one round and checks what every round must satisfy: it ends with a deltaLink, the
/// iterator completes, pages respect odata.maxpagesize, every request carried the token.
async function walkRound(collection, roundName, url) {
  const mark = requestLog.mark();
  const result = await collection.view.round(url);
  const requests = requestLog.since(mark);
  const name = `${collection.label}: ${roundName}`;
  checks.check(`${name} ends with an @odata.deltaLink`,
    result.complete && typeof result.deltaLink === 'string' && result.deltaLink.startsWith('https://'),
    `complete=${result.complete}, deltaLink=${result.deltaLink}`);
  const minimumPages = Math.max(1, Math.ceil(result.seen.length / PAGE_SIZE));
  checks.check(`${name} returns at most ${PAGE_SIZE} items per page`, requests.length >= minimumPages,
    `${result.seen.length} items came in ${requests.length} requests`);
  const unauthorized = requests.filter((r) => !r.authorized);
  checks.check(`${name} sends the bearer token on every page`, unauthorized.length === 0,
    unauthorized.map((r) => `no token on ${r.method} ${r.url}`));
  const unpreferred = requests.filter((r) => !r.prefer.includes(`odata.maxpagesize=${PAGE_SIZE}`));
  checks.check(`${name} resends Prefer on every page`, unpreferred.length === 0,
    unpreferred.map((r) => `no Prefer on ${r.method} ${r.url}`));
  const duplicates = result.seen.filter((id, i) => result.seen.indexOf(id) !== i);
  checks.check(`${name} reports each item once`, duplicates.length === 0,
    `repeated: ${[...new Set(duplicates)].join(', ')}`);
  return result;
}

/// The client's view must equal the truth: same ids, and per id the same content.
function compareWithTruth(collection, truth, when) {
  const name = `${collection.label}: view after ${when}`;
  const describe = (id) => {
    const t = truth.get(id) ?? collection.view.items.get(id);
    return `${id} (${t?.subject ?? '?'})`;
  };
  const idsOk = checks.sameIds(`${name} holds exactly the ground-truth ids`, collection.view.ids(), truth, describe);
  const wrong = [];
  for (const [id, expected] of truth) {
    const seen = collection.view.items.get(id);
    if (!seen) continue;
    if (seen.subject !== expected.subject) wrong.push(`${id}: subject '${seen.subject}', truth '${expected.subject}'`);
    if (collection.kind === 'messages') {
      if (seen.internetMessageId !== expected.internetMessageId)
        wrong.push(`${id}: internetMessageId '${seen.internetMessageId}', truth '${expected.internetMessageId}'`);
      if (readFlag(seen.isRead) !== expected.isRead)
        wrong.push(`${id}: isRead ${seen.isRead}, truth ${expected.isRead}`);
    }
  }
  checks.check(`${name} carries the ground-truth content`, wrong.length === 0, wrong.slice(0, 10));
  return idsOk && wrong.length === 0;
}

/// Round 2 must report what changed between the truths, and nothing else.
function checkChanges(collection, result, plannedRemovedOnly) {
  const before = collection.truthBefore;
  const after = collection.truthAfter;
  const added = new Set([...after.keys()].filter((id) => !before.has(id)));
  const removed = new Set([...before.keys()].filter((id) => !after.has(id)));
  const updated = new Set([...collection.touched].filter((id) => before.has(id) && after.has(id)));
  const name = `${collection.label}: round 2`;
  checks.sameIds(`${name} reports the added items as new`, result.added, added);
  checks.sameIds(`${name} reports the changed items as updated`, result.updated, updated);
  // An item created and deleted between the rounds may show up as @removed (Graph does that);
  // anything else reported as removed must have left the collection.
  const removedSeen = new Set([...result.removed].filter((id) => !plannedRemovedOnly.has(id)));
  checks.sameIds(`${name} reports the items that left as @removed`, removedSeen, removed);
}

// -- ground truth --

async function messageTruth(control, user) {
  const byFolder = new Map(FOLDERS.map((f) => [f, new Map()]));
  for (const m of await control.messages(user.id)) {
    const folder = byFolder.get(m.folder);
    if (folder && !m.deleted) folder.set(m.id, m);
  }
  return byFolder;
}

async function eventTruth(control, user, window) {
  const truth = new Map();
  for (const e of await control.events(user.id, window.start, window.end)) truth.set(e.id, e);
  return truth;
}

// -- the scenario --

async function tenantRejectsForeignToken(tenants, clients) {
  if (tenants.length < 2) return;
  for (let i = 0; i < tenants.length; ++i) {
    const foreign = tenants[(i + 1) % tenants.length];
    const user = foreign.users[0];
    const name = `${tenants[i].slug}'s token on ${foreign.slug}'s user ${user.upn} is refused`;
    try {
      await clients.get(tenants[i].slug).api(`${foreign.graph}/users/${user.id}/mailFolders/inbox/messages/delta`)
        .headers({ Prefer: `odata.maxpagesize=${PAGE_SIZE}` }).get();
      checks.check(name, false, 'the request succeeded');
    } catch (err) {
      checks.check(name, err.statusCode === 401 || err.statusCode === 403,
        `expected HTTP 401/403, got ${err.statusCode} ${err.code ?? ''} ${err.message ?? ''}`);
    }
  }
}

async function main() {
  const manifest = loadManifest(process.env.SIM_MANIFEST);
  const control = new SimControl(process.env.SIM_URL, plainFetch);
  const window = calendarWindow();
  const headers = { Prefer: `odata.maxpagesize=${PAGE_SIZE}, IdType="ImmutableId"` };
  const clients = new Map();
  const users = []; // {tenant, user, collections: Map name -> Collection}

  for (const tenant of manifest.tenants) {
    const token = await fetchAppToken(tenant, plainFetch);
    const client = graphClient(tenant, token);
    clients.set(tenant.slug, client);
    for (const user of tenant.users) {
      const collections = new Map();
      for (const folder of FOLDERS) {
        collections.set(folder, new Collection({
          label: `${tenant.slug}/${user.upn}/${folder}`, kind: 'messages', folder,
          url: `${tenant.graph}/users/${user.id}/mailFolders/${folder}/messages/delta?$select=${MESSAGE_SELECT}`,
          view: new DeltaView(client, headers),
        }));
      }
      collections.set('calendarView', new Collection({
        label: `${tenant.slug}/${user.upn}/calendarView`, kind: 'events',
        url: `${tenant.graph}/users/${user.id}/calendarView/delta?startDateTime=${window.start.toISOString()}` +
             `&endDateTime=${window.end.toISOString()}`,
        view: new DeltaView(client, headers),
      }));
      users.push({ tenant, user, collections });
    }
  }

  // Round 1 and the truth it must match.
  for (const { user, collections } of users) {
    const messages = await messageTruth(control, user);
    const events = await eventTruth(control, user, window);
    for (const c of collections.values()) {
      c.truthBefore = c.kind === 'messages' ? messages.get(c.folder) : events;
      try {
        await walkRound(c, 'round 1', c.url);
        compareWithTruth(c, c.truthBefore, 'round 1');
      } catch (err) {
        checks.error(`${c.label}: round 1`, err);
      }
    }
  }
  const paged = users.flatMap(({ collections }) => [...collections.values()]).filter((c) => c.truthBefore.size > PAGE_SIZE);
  checks.check('some collections need several pages (the world is big enough to test paging)', paged.length >= users.length,
    `${paged.length} collections hold more than ${PAGE_SIZE} items`);

  await tenantRejectsForeignToken(manifest.tenants, clients);

  // Mutations through /_sim/, planned from what the client saw in round 1.
  const createdThenDeleted = new Map(); // user id -> ids
  for (const { user, collections } of users) {
    const label = `${user.upn}: mutations`;
    try {
      const plan = planMessageMutations(collections, FOLDERS);
      checks.check(`${label}: round 1 saw enough messages to plan every kind of change`, plan.ok, plan.reason);
      if (plan.ok) createdThenDeleted.set(user.id, await plan.apply(control, user.id, checks, label));
      const calendar = planCalendarMutations(collections.get('calendarView'), window);
      checks.check(`${label}: round 1 saw enough single events to plan every kind of change`, calendar.ok, calendar.reason);
      if (calendar.ok) await calendar.apply(control, user.id, checks, label);
    } catch (err) {
      checks.error(label, err);
    }
  }

  // Round 2 from the deltaLinks, then round 3 with nothing changed.
  for (const { user, collections } of users) {
    const messages = await messageTruth(control, user);
    const events = await eventTruth(control, user, window);
    for (const c of collections.values()) {
      c.truthAfter = c.kind === 'messages' ? messages.get(c.folder) : events;
      if (c.view.deltaLink === undefined) continue; // round 1 already failed
      try {
        const second = await walkRound(c, 'round 2', c.view.deltaLink);
        checkChanges(c, second, createdThenDeleted.get(user.id) ?? new Set());
        compareWithTruth(c, c.truthAfter, 'round 2');
        const third = await walkRound(c, 'round 3 (no changes)', c.view.deltaLink);
        checks.check(`${c.label}: round 3 (no changes) reports nothing`, third.seen.length === 0,
          `reported ${third.seen.length} items: ${third.seen.slice(0, 8).join(', ')}`);
      } catch (err) {
        checks.error(`${c.label}: round 2/3`, err);
      }
    }
  }
}

let crashed = false;
try {
  await main();
} catch (err) {
  crashed = true;
  checks.error('conformance run', err);
}
console.log(checks.summary());
process.exitCode = crashed || checks.failed > 0 || checks.passed === 0 ? 1 : 0;
