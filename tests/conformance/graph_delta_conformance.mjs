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
//   then     calendar writes through Graph with the SDK (lib/event_write_phase.mjs), sync state
//            loss and a round under seeded faults (lib/resilience_phase.mjs)
// plus: a tenant's token is refused on another tenant's users.
// Even tenants ask for immutable ids (Prefer: IdType="ImmutableId", as m365sync does), odd ones
// get regular ids, which change when a message moves.
// Exit code 0 only when every check passed; the last line is `N passed, M failed`.

import { Client } from '@microsoft/microsoft-graph-client';

import { CheckList } from './lib/check_list.mjs';
import { Collection } from './lib/collection.mjs';
import { CollectionChecks } from './lib/collection_checks.mjs';
import { DeltaView } from './lib/delta_view.mjs';
import { eventWritesShowInDelta } from './lib/event_write_phase.mjs';
import { planCalendarMutations, planMessageMutations } from './lib/mutation_plan.mjs';
import { RequestLog } from './lib/request_log.mjs';
import { resyncAfterSyncStateLoss, walkUnderFaults } from './lib/resilience_phase.mjs';
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
const collectionChecks = new CollectionChecks(checks, requestLog, PAGE_SIZE, MESSAGE_KEYS);

/// The calendarView window: from 30 days before the simulator's anchor (SIM_ANCHOR, unix
/// seconds, 00:00 UTC of the run's day) to 90 days after; seeded events lie between 60 days
/// before and 180 days after it.
function calendarWindow() {
  const anchor = Number(process.env.SIM_ANCHOR) * 1000;
  if (!Number.isFinite(anchor) || anchor <= 0) throw new Error(`SIM_ANCHOR '${process.env.SIM_ANCHOR}' is not unix seconds`);
  return { start: new Date(anchor - 30 * DAY_MS), end: new Date(anchor + 90 * DAY_MS) };
}

function graphClient(tenant, token) {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => token },
    // The SDK attaches the token only to Microsoft's hosts and these.
    customHosts: new Set([new URL(tenant.graph).hostname]),
  });
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
  const untyped = [];
  for (const e of truth.events) {
    if (e.type === 'seriesMaster') masters.set(e.id, e);
    else if (e.type !== 'singleInstance') untyped.push(`${e.id} '${e.subject}': type ${JSON.stringify(e.type)}`);
    if (e.type !== 'seriesMaster' && Date.parse(e.start) < window.end.getTime() && Date.parse(e.end) > window.start.getTime())
      singles.set(e.id, e);
  }
  checks.check(`/_sim/ truth of ${truth.upn ?? truth.user}: every event is typed singleInstance or seriesMaster`,
    untyped.length === 0, [`${untyped.length} are not:`, ...untyped.slice(0, 3)]);
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
        name: folder, label: `${tenant.slug}/${user.upn}/${folder}`, kind: 'messages', folder, idKey,
        url: `${tenant.graph}/users/${user.id}/mailFolders/${folder}/messages/delta?$select=${MESSAGE_SELECT}`,
        view: new DeltaView(client, headers),
      }));
    }
    u.collections.set('calendarView', new Collection({
      name: 'calendarView', label: `${tenant.slug}/${user.upn}/calendarView`, kind: 'events', idKey,
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
        const { result, pages: n } = await collectionChecks.walkRound(c, 'round 1', c.url);
        pages += n;
        items += result.seen.length;
        collectionChecks.compareWithTruth(c, c.truthBefore, 'round 1');
        if (c.kind === 'events') collectionChecks.checkSeriesInstances(c, truth.masters, window, 'round 1');
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
        const { result: second } = await collectionChecks.walkRound(c, 'round 2', c.view.deltaLink);
        collectionChecks.checkChanges(c, second, transients.get(u.user.id) ?? new Set());
        collectionChecks.compareWithTruth(c, c.truthAfter, 'round 2');
        if (c.kind === 'events') collectionChecks.checkSeriesInstances(c, truth.masters, window, 'round 2');
        const { result: third } = await collectionChecks.walkRound(c, 'round 3 (no changes)', c.view.deltaLink);
        checks.check(`${c.label}: round 3 (no changes) reports nothing`, third.seen.length === 0,
          `reported ${third.seen.length} items: ${third.seen.slice(0, 8).join(', ')}`);
      } catch (err) {
        checks.error(`${c.label}: round 2/3`, err);
      }
    }
  }

  // Calendar writes through Graph, sync state loss and a faulty service, for the first user of
  // each tenant.
  const ctx = {
    control, checks, collectionChecks, requestLog,
    truthOf: async (user) => {
      const u = users.find((x) => x.user.id === user.id);
      return truthByCollection(await control.truth(user.id), window, u.idKey);
    },
  };
  const firsts = manifest.tenants.map((tenant) => users.find((x) => x.tenant === tenant));
  await eventWritesShowInDelta(ctx, firsts.filter((u) => u.collections.get('calendarView').view.deltaLink !== undefined)
    .map((u) => ({ tenant: u.tenant, user: u.user, calendar: u.collections.get('calendarView') })), window);
  const targets = firsts.map((u) => ({ user: u.user, collections: [u.collections.get('inbox'), u.collections.get('calendarView')] }));
  await resyncAfterSyncStateLoss(ctx, targets);
  const faults = await walkUnderFaults(ctx, targets);
  console.log(`conformance: the faults walk sent ${faults.requests} requests, ${faults.retried} answered 429/503 and retried, ` +
              `${faults.replayed} items were replayed`);
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
