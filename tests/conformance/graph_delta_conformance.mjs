// Ownership: the whole conformance run, single-threaded (Node's event loop); started by
// run_conformance.sh with SIM_URL, SIM_MANIFEST and NODE_EXTRA_CA_CERTS set.
//
// Microsoft's Graph JavaScript client walks m365sim as it would walk Graph:
//   round 1  messages delta of several folders and calendarView delta, for every user of every
//            tenant, each tenant with its own app token; the client's view must equal /_sim/ truth
//   mutate   through /_sim/: adds, updates, deletes, moves between folders, event changes; the
//            truth must then show each change (so truth and delta cannot both ignore one)
//   round 2  from each deltaLink; the round must report exactly what changed (added / updated /
//            removed) and the view must again equal the truth
//   round 3  from the new deltaLink with no changes: nothing is reported
// plus: a tenant's token is refused on another tenant's users.
// Even tenants ask for immutable ids (Prefer: IdType="ImmutableId", as m365sync does), odd ones
// get regular ids, which change when a message moves.
// Exit code 0 only when every check passed; the last line is `N passed, M failed`.

import { Client } from '@microsoft/microsoft-graph-client';

import { CheckList } from './lib/check_list.mjs';
import { DeltaView } from './lib/delta_view.mjs';
import { planCalendarMutations, planMessageMutations } from './lib/mutation_plan.mjs';
import { RequestLog } from './lib/request_log.mjs';
import { SimControl } from './lib/sim_control.mjs';
import { fetchAppToken, loadManifest, tokenClaims } from './lib/sim_tenant.mjs';

const PAGE_SIZE = 5;
const FOLDERS = ['inbox', 'sentitems', 'archive', 'deleteditems'];
const DAY_MS = 86400 * 1000;
const MESSAGE_SELECT = 'subject,internetMessageId,isRead,parentFolderId';
/// Keys a message of a `$select=MESSAGE_SELECT` delta may carry besides the selected ones.
const MESSAGE_KEYS = new Set(['id', '@odata.type', '@odata.etag', '@removed', ...MESSAGE_SELECT.split(',')]);

const checks = new CheckList();
const requestLog = new RequestLog();
const plainFetch = requestLog.install();

/// The calendarView window: from 30 days before today to 90 days after (seeded events lie
/// between 60 days before and 180 days after the simulator's anchor, today 00:00 UTC).
function calendarWindow() {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return { start: new Date(today - 30 * DAY_MS), end: new Date(today + 90 * DAY_MS) };
}

/// isRead as a boolean (a documented Graph delta body carries it as the string "true").
function readFlag(value) {
  return value === true || value === 'true';
}

/// Milliseconds of a Graph dateTimeTimeZone in UTC (the simulator answers in UTC unless asked
/// otherwise), or NaN.
function graphInstant(value) {
  if (!value || typeof value.dateTime !== 'string' || value.timeZone !== 'UTC') return NaN;
  return Date.parse(value.dateTime.endsWith('Z') ? value.dateTime : `${value.dateTime}Z`);
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
  constructor({ label, kind, folder, url, view, idKey }) {
    this.label = label; // "contoso/adele.vance@contoso.com/inbox"
    this.kind = kind;   // 'messages' | 'events'
    this.folder = folder;
    this.url = url;
    this.view = view;
    this.idKey = idKey; // which truth field is the id the client sees
    this.truthBefore = new Map();
    this.truthAfter = new Map();
    this.touched = new Set(); // ids whose content the mutations changed
  }

  /// Ids in the view that the truth describes one to one (for the calendar: single events;
  /// the truth lists series masters, not their instances).
  comparableIds() {
    if (this.kind === 'messages') return this.view.ids();
    return new Set([...this.view.items].filter(([, e]) => e.type === 'singleInstance').map(([id]) => id));
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
  const failed = requests.filter((r) => r.status !== 200);
  checks.check(`${name} gets HTTP 200 on every page`, failed.length === 0,
    failed.map((r) => `HTTP ${r.status} on ${r.method} ${r.url}`));
  const unauthorized = requests.filter((r) => !r.authorized);
  checks.check(`${name} sends the bearer token on every page`, unauthorized.length === 0,
    unauthorized.map((r) => `no token on ${r.method} ${r.url}`));
  const unpreferred = requests.filter((r) => !r.prefer.includes(`odata.maxpagesize=${PAGE_SIZE}`));
  checks.check(`${name} resends Prefer on every page`, unpreferred.length === 0,
    unpreferred.map((r) => `no Prefer on ${r.method} ${r.url}`));
  const duplicates = result.seen.filter((id, i) => result.seen.indexOf(id) !== i);
  checks.check(`${name} reports each item once`, duplicates.length === 0,
    `repeated: ${[...new Set(duplicates)].join(', ')}`);
  return { result, pages: requests.length };
}

/// The client's view must equal the truth: same ids, and per id the same content.
function compareWithTruth(collection, truth, when) {
  const name = `${collection.label}: view after ${when}`;
  const describe = (id) => `${id} '${(truth.get(id) ?? collection.view.items.get(id))?.subject ?? '?'}'`;
  const what = collection.kind === 'messages' ? 'messages' : 'single events';
  checks.sameIds(`${name} holds exactly the ground-truth ${what}`, collection.comparableIds(), new Set(truth.keys()), describe);
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
  checks.check(`${name} carries the ground-truth content`, wrong.length === 0, wrong.slice(0, 10));
  if (collection.kind === 'messages') checkFolderAndSelect(collection, name);
}

/// Messages carry only the `$select`ed properties, and parentFolderId is the folder's id as
/// GET /users/{id}/mailFolders/{name} gives it.
function checkFolderAndSelect(collection, name) {
  const unselected = new Set();
  const elsewhere = [];
  for (const [id, m] of collection.view.items) {
    for (const key of Object.keys(m)) if (!MESSAGE_KEYS.has(key)) unselected.add(key);
    if (m.parentFolderId !== collection.folderId) elsewhere.push(`${id}: parentFolderId ${m.parentFolderId}`);
  }
  checks.check(`${name} carries only the $select'ed properties`, unselected.size === 0,
    `unselected properties: ${[...unselected].join(', ')}`);
  checks.check(`${name} names the folder's id as parentFolderId`, elsewhere.length === 0,
    [`folder id ${collection.folderId}`, ...elsewhere.slice(0, 5)]);
}

/// Instances of series in the view. The truth lists series masters only, not the occurrence ids
/// of a window (see README: missing in m365sim), so this checks what it can: every instance
/// belongs to a live series master of the truth and lies in the window, and every master whose
/// first occurrence lies in the window shows at least one instance.
function checkSeriesInstances(collection, masters, window, when) {
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
  checks.check(`${name} belong to live series and lie in the window`, bad.length === 0, bad.slice(0, 10));
  const missing = [...masters.values()].filter((m) => Date.parse(m.start) < window.end.getTime() &&
    Date.parse(m.end) > window.start.getTime() && !shown.has(m.id));
  checks.check(`${name} include every series starting in the window`, missing.length === 0,
    missing.map((m) => `series ${m.id} '${m.subject}' starts ${m.start}, no instance in the view`));
}

/// Round 2 must report what changed between the truths, and nothing else.
function checkChanges(collection, result, transient) {
  const before = collection.truthBefore;
  const after = collection.truthAfter;
  const added = new Set([...after.keys()].filter((id) => !before.has(id)));
  const removed = new Set([...before.keys()].filter((id) => !after.has(id)));
  const updated = new Set([...collection.touched].filter((id) => before.has(id) && after.has(id)));
  const name = `${collection.label}: round 2`;
  const describe = (id) => `${id} '${(after.get(id) ?? before.get(id))?.subject ?? '?'}'`;
  checks.sameIds(`${name} reports the new items as added`, result.added, added, describe);
  checks.sameIds(`${name} reports the changed items as updated`, result.updated, updated, describe);
  // An item created and deleted between the rounds may show up as @removed (Graph does that);
  // anything else reported as removed must have left the collection.
  const removedSeen = new Set([...result.removed].filter((id) => !transient.has(id)));
  checks.sameIds(`${name} reports the items that left as @removed`, removedSeen, removed, describe);
}

/// After the mutations, the truth must show each of them.
function checkExpectations(label, truth, expectations) {
  const messages = new Map(truth.messages.map((m) => [m.immutable_id, m]));
  const events = new Map(truth.events.map((e) => [e.id, e]));
  for (const x of expectations) {
    const found = (x.kind === 'message' ? messages : events).get(x.id);
    const name = `${label}: ground truth shows the ${x.what}`;
    if (x.gone) {
      checks.check(name, found === undefined, `${x.id} is still there: ${JSON.stringify(found)}`);
      continue;
    }
    const wrong = [];
    if (found === undefined) wrong.push(`${x.id} is missing`);
    else {
      if (x.folder !== undefined && found.folder !== x.folder) wrong.push(`folder '${found.folder}', expected '${x.folder}'`);
      if (x.subject !== undefined && found.subject !== x.subject) wrong.push(`subject '${found.subject}', expected '${x.subject}'`);
      if (x.isRead !== undefined && found.is_read !== x.isRead) wrong.push(`is_read ${found.is_read}, expected ${x.isRead}`);
      if (x.start !== undefined && Date.parse(found.start) !== x.start.getTime())
        wrong.push(`start ${found.start}, expected ${x.start.toISOString()}`);
    }
    checks.check(name, wrong.length === 0, wrong);
  }
}

// -- ground truth --

/// Splits a mailbox's truth into what each collection must hold, keyed by the id form the
/// collection's client sees.
function truthByCollection(truth, window, idKey) {
  const out = new Map(FOLDERS.map((f) => [f, new Map()]));
  for (const m of truth.messages) out.get(m.folder)?.set(m[idKey], m);
  const singles = new Map();
  const masters = new Map();
  for (const e of truth.events) {
    if (e.type === 'seriesMaster') masters.set(e.id, e);
    else if (Date.parse(e.start) < window.end.getTime() && Date.parse(e.end) > window.start.getTime()) singles.set(e.id, e);
  }
  out.set('calendarView', singles);
  return { byCollection: out, masters };
}

// -- the scenario --

/// The app token is a JWT for Graph issued to this tenant's app, as Entra's client credentials
/// grant gives (tid and appid are what Graph uses to tell tenants apart).
function checkTokenClaims(tenant, token) {
  const claims = tokenClaims(token);
  const wrong = [];
  if (claims.tid !== tenant.directory_id) wrong.push(`tid ${JSON.stringify(claims.tid)}, expected ${tenant.directory_id}`);
  if (claims.appid !== tenant.client_id) wrong.push(`appid ${JSON.stringify(claims.appid)}, expected ${tenant.client_id}`);
  if (claims.aud !== 'https://graph.microsoft.com' && claims.aud !== '00000003-0000-0000-c000-000000000000')
    wrong.push(`aud ${JSON.stringify(claims.aud)}, expected Graph's resource`);
  if (!(typeof claims.exp === 'number' && claims.exp * 1000 > Date.now())) wrong.push(`exp ${JSON.stringify(claims.exp)} is not in the future`);
  checks.check(`${tenant.slug}: the client credentials token is a Graph token of this tenant's app`, wrong.length === 0, wrong);
}

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
  const clients = new Map();
  const users = []; // {tenant, user, idKey, collections: Map name -> Collection}

  manifest.tenants.forEach((tenant, index) => {
    const immutable = index % 2 === 0;
    const idKey = immutable ? 'immutable_id' : 'id';
    const prefer = `odata.maxpagesize=${PAGE_SIZE}` + (immutable ? ', IdType="ImmutableId"' : '');
    users.push(...tenant.users.map((user) => ({ tenant, user, idKey, prefer })));
  });
  for (const tenant of manifest.tenants) {
    const token = await fetchAppToken(tenant, plainFetch);
    checkTokenClaims(tenant, token);
    clients.set(tenant.slug, graphClient(tenant, token));
  }
  for (const u of users) {
    const { tenant, user, idKey, prefer } = u;
    const client = clients.get(tenant.slug);
    const headers = { Prefer: prefer };
    u.collections = new Map();
    for (const folder of FOLDERS) {
      u.collections.set(folder, new Collection({
        label: `${tenant.slug}/${user.upn}/${folder}`, kind: 'messages', folder, idKey,
        url: `${tenant.graph}/users/${user.id}/mailFolders/${folder}/messages/delta?$select=${MESSAGE_SELECT}`,
        view: new DeltaView(client, headers),
      }));
    }
    u.collections.set('calendarView', new Collection({
      label: `${tenant.slug}/${user.upn}/calendarView`, kind: 'events', idKey,
      url: `${tenant.graph}/users/${user.id}/calendarView/delta?startDateTime=${window.start.toISOString()}` +
           `&endDateTime=${window.end.toISOString()}`,
      view: new DeltaView(client, headers),
    }));
  }
  console.log(`conformance: ${manifest.tenants.length} tenants, ${users.length} users, ` +
              `folders ${FOLDERS.join(', ')} + calendarView ${window.start.toISOString()}..${window.end.toISOString()}`);

  // Round 1 and the truth it must match.
  let pages = 0;
  let items = 0;
  for (const u of users) {
    for (const folder of FOLDERS) {
      const c = u.collections.get(folder);
      try {
        c.folderId = (await clients.get(u.tenant.slug).api(`${u.tenant.graph}/users/${u.user.id}/mailFolders/${folder}`).get()).id;
      } catch (err) {
        checks.error(`${c.label}: GET mailFolders/${folder}`, err);
      }
    }
    const truth = truthByCollection(await control.truth(u.user.id), window, u.idKey);
    for (const [name, c] of u.collections) {
      c.truthBefore = truth.byCollection.get(name);
      try {
        const { result, pages: n } = await walkRound(c, 'round 1', c.url);
        pages += n;
        items += result.seen.length;
        compareWithTruth(c, c.truthBefore, 'round 1');
        if (c.kind === 'events') checkSeriesInstances(c, truth.masters, window, 'round 1');
      } catch (err) {
        checks.error(`${c.label}: round 1`, err);
      }
    }
  }
  console.log(`conformance: round 1 read ${items} items in ${pages} pages`);
  const all = users.flatMap((u) => [...u.collections.values()]);
  const paged = all.filter((c) => c.truthBefore.size > PAGE_SIZE);
  checks.check('the world is big enough that most collections need several pages', paged.length * 2 >= all.length,
    `${paged.length} of ${all.length} collections hold more than ${PAGE_SIZE} items`);

  await tenantRejectsForeignToken(manifest.tenants, clients);

  // Mutations through /_sim/, planned from what the client saw in round 1.
  const transients = new Map(); // user id -> ids created and deleted between the rounds
  for (const u of users) {
    const label = `${u.tenant.slug}/${u.user.upn}: mutations`;
    const expectations = [];
    try {
      const plan = planMessageMutations(u.collections);
      if (checks.check(`${label}: round 1 saw enough messages to plan every kind of change`, plan.ok, plan.reason)) {
        const done = await plan.apply(control, u.user.id, checks, label);
        transients.set(u.user.id, done.transient);
        expectations.push(...done.expectations);
      }
      const calendar = planCalendarMutations(u.collections.get('calendarView'), window);
      if (checks.check(`${label}: round 1 saw enough single events to plan every kind of change`, calendar.ok, calendar.reason)) {
        expectations.push(...(await calendar.apply(control, u.user.id, checks, label)).expectations);
      }
      checkExpectations(label, await control.truth(u.user.id), expectations);
    } catch (err) {
      checks.error(label, err);
    }
  }

  // Round 2 from the deltaLinks, then round 3 with nothing changed.
  for (const u of users) {
    const truth = truthByCollection(await control.truth(u.user.id), window, u.idKey);
    for (const [name, c] of u.collections) {
      c.truthAfter = truth.byCollection.get(name);
      if (c.view.deltaLink === undefined) continue; // round 1 failed and said so
      try {
        const { result: second } = await walkRound(c, 'round 2', c.view.deltaLink);
        checkChanges(c, second, transients.get(u.user.id) ?? new Set());
        compareWithTruth(c, c.truthAfter, 'round 2');
        if (c.kind === 'events') checkSeriesInstances(c, truth.masters, window, 'round 2');
        const { result: third } = await walkRound(c, 'round 3 (no changes)', c.view.deltaLink);
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
