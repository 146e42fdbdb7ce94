// Ownership: the delta-stream core shared by the mailbox actor (actors/mailbox_actor.cpp) and the
// calendar actor (actors/calendar_actor.cpp); included by those two files only. Each of them
// describes its kind with a `Kind` struct (below) and spawns `delta_stream_behavior<Kind>`.
// Threading: event-based actors; Graph I/O runs on the graph port's threads and comes back as
// messages; commits go to the persistence actor.
//
// One page at a time per stream (a mail folder, or the calendar window):
//   token -> fetch -> rules -> commit -> (ack) -> cursor moves -> next page, until the delta link.
// Rules: the actor subscribes to the rule evaluator when it starts (and handles nothing before
// the current set arrives), then replaces its set whenever the evaluator sends a new one. Each
// fetched page is decided, in the actor itself, by the set held when the page arrives: a whole
// page by one set, a change from the next page on, no message per item.
// The actor runs rounds: a round brings every stream of the actor to its delta link; sync
// requests that arrive during a round are answered by the next round (so a caller always sees
// changes made before its request). The Graph client owns every retry of a request
// (Retry-After, backoff from a floor, its attempt budget: adapters/retry_policy.hpp), so a
// stream never asks again for a page the client gave up on. Failures are classified here:
//   410 Gone                 -> the stream restarts as a resync (at most 3 times a round)
//   401                      -> one forced token refresh at the token actor (rejecting the
//                               token sent), then the page is fetched once more: the one owner
//                               of 401 handling (the client answers a 401 at once)
//   commit failed transiently (store I/O error, commit timeout)
//                            -> the page is fetched again after a backoff, `max_commit_attempts`
//                               fetches at most (it was never stored: its link has not moved)
//   refused credential, 403, 404, foreign host, a second 401, sticky store errors
//                            -> the stream's round ends with the error (mailbox parked)
//   anything else (throttled, transport, 5xx the client gave up on, token endpoint down)
//                            -> the stream's round ends with the error (mailbox backoff); the
//                               next scheduled round tries again
//
// A Kind provides:
//   using page_type = email_page | event_page;
//   static constexpr stream_kind kind;  static constexpr const char* name;
//   static std::vector<std::string> folders(const tenant_settings&);
//   static uint32_t interval_s(const tenant_settings&);
//   static void before_round(delta_cursor&, const tenant_settings&, timestamp_ms now);
//   static void fetch(graph_port&, const delta_request&, const access_token&,
//                     std::function<void(caf::expected<page_type>)>);
//   static void stamp(item&, const std::string& folder);  // provenance the page lacks
#pragma once

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/backoff.hpp"
#include "messages/clock.hpp"
#include "actors/delta_cursor.hpp"
#include "actors/fault_injection.hpp"
#include "actors/stream_context.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/page_filter.hpp"

namespace m365 {

template <class Page>
using delta_stream_private = stream_with_fault_injection::extend<
  caf::reacts_to<fetched_atom, uint32_t, Page>,
  caf::reacts_to<failed_atom, uint32_t, caf::error>,
  caf::reacts_to<round_atom, uint64_t>,
  caf::reacts_to<tick_atom, uint32_t>>;

namespace delta_stream_detail {

/// How a stream's round ended; the worst of its streams decides the mailbox's state after it.
enum class round_outcome : uint8_t { clean = 0, transient, permanent };

/// One folder (or the calendar) of the mailbox.
struct stream {
  std::string folder;
  delta_cursor cursor;
  bool in_round = false;
  uint32_t commit_attempts = 0;  ///< fetches of the current page whose commit failed
  uint32_t gone = 0;             ///< 410s in this round
  bool auth_retried = false;     ///< one forced token refresh per page
  bool force_refresh = false;    ///< the next token request rejects `token_used`
  std::string token_used;        ///< value of the token of the last fetch (to reject on 401)
  std::unique_ptr<backoff> commit_retry;  ///< delays before a page is fetched again
};

template <class Kind>
struct state {
  stream_context ctx;
  std::vector<stream> streams;
  round_report round;
  round_outcome outcome = round_outcome::clean;       ///< of the round under way
  round_outcome last_outcome = round_outcome::clean;  ///< of the last finished round
  std::vector<caf::typed_response_promise<round_report>> current;  ///< answered by this round
  std::vector<caf::typed_response_promise<round_report>> next;     ///< wait for the next round
  mailbox_status totals;
  rule_set_snapshot rules;  ///< the set the evaluator last sent; no set: include everything
  std::mt19937_64 rng{std::random_device{}()};
  uint64_t round_timer = 0;  ///< only the latest scheduled round timer starts a round
  static inline const char* name = Kind::name;

  spdlog::logger& log() { return ctx.log ? *ctx.log : *spdlog::default_logger(); }

  /// A round is under way while any stream is still in it.
  bool round_active() const {
    return std::any_of(streams.begin(), streams.end(), [](const stream& s) { return s.in_round; });
  }
};

/// The round logic of one stream actor, shared by both kinds (static members: the state lives
/// in the actor, `self->state`).
template <class Kind>
struct core {
  using page_type = typename Kind::page_type;
  using self_ptr = typename delta_stream_private<page_type>::template stateful_pointer<state<Kind>>;


  static caf::error load_streams(self_ptr self) {
    auto& st = self->state;
    for (auto& folder : Kind::folders(st.ctx.tenant)) {
      stream s;
      s.folder = folder;
      delta_link link;
      link.tenant = st.ctx.tenant.id;
      link.user = st.ctx.user.user;
      link.folder = folder;
      if (st.ctx.load_link) {
        // The loader answers a fresh link for a new stream; an error means the store could not
        // be read, and starting over from scratch would leave records of an old generation
        // that no sweep removes: fail, and let the supervisor restart us with backoff.
        auto stored = st.ctx.load_link(st.ctx.tenant.id, st.ctx.user.user, folder);
        if (!stored)
          return stored.error();
        link = std::move(*stored);
      }
      s.cursor = delta_cursor{std::move(link)};
      const auto previous = s.cursor.committed().mailbox;
      if (s.cursor.use_mailbox(st.ctx.user.mailbox, now_ms()))
        st.log().info("user {} {}: mailbox changed from {} to {}, full resync", st.ctx.user.user,
                      folder, previous, st.ctx.user.mailbox);
      s.commit_retry = std::make_unique<backoff>(st.ctx.tuning.retry_base,
                                                 std::chrono::minutes{2}, st.rng());
      st.streams.push_back(std::move(s));
    }
    return caf::error{};
  }

  /// Arms the round timer; an earlier timer still pending becomes stale and is ignored.
  static void arm_round_timer(self_ptr self, std::chrono::milliseconds delay) {
    auto& st = self->state;
    self->delayed_send(self, delay, round_atom_v, ++st.round_timer);
  }

  static void schedule_next_round(self_ptr self) {
    auto& st = self->state;
    auto interval_s = std::max<uint32_t>(Kind::interval_s(st.ctx.tenant), 1);
    auto interval = std::chrono::milliseconds{int64_t{interval_s} * 1000};
    // +-10 % jitter so thousands of mailboxes do not fire together.
    std::uniform_int_distribution<int64_t> jitter{-interval.count() / 10, interval.count() / 10};
    arm_round_timer(self, interval + std::chrono::milliseconds{jitter(st.rng)});
  }

  /// Answers every sync request still waiting (the actor is about to stop).
  static void fail_waiting(self_ptr self, const caf::error& reason) {
    auto& st = self->state;
    for (auto* list : {&st.current, &st.next}) {
      for (auto& rp : *list)
        rp.deliver(reason ? reason : caf::make_error(sync_errc::shutting_down));
      list->clear();
    }
  }

  static void finish_round(self_ptr self) {
    auto& st = self->state;
    st.totals.last_round_at = now_ms();
    st.last_outcome = st.outcome;
    if (st.outcome == round_outcome::clean)
      st.totals.last_error.clear();  // the last error shown is the last round's
    auto report = std::move(st.round);
    st.round = round_report{};
    for (auto& rp : st.current)
      rp.deliver(report);
    st.current.clear();
    if (!report.errors.empty())
      st.log().warn("user {}: {} round ended with {} failed stream(s): {}", st.ctx.user.user,
                    to_string(Kind::kind), report.errors.size(), report.errors.front());
    schedule_next_round(self);
    if (!st.next.empty()) {
      st.current.swap(st.next);
      start_round(self);
    }
  }

  static void start_round(self_ptr self) {
    auto& st = self->state;
    if (st.round_active())
      return;
    st.round = round_report{};
    st.round.tenant = st.ctx.tenant.id;
    (Kind::kind == stream_kind::mail ? st.round.mailboxes : st.round.calendars) = 1;
    st.outcome = round_outcome::clean;
    if (st.streams.empty()) {
      finish_round(self);
      return;
    }
    for (auto& s : st.streams) {
      Kind::before_round(s.cursor, st.ctx.tenant, now_ms());
      s.in_round = true;
      s.commit_attempts = 0;
      s.commit_retry->reset();
      s.gone = 0;
      s.auth_retried = false;
    }
    for (uint32_t i = 0; i < st.streams.size(); ++i)
      step(self, i);
  }

  static void stream_done(self_ptr self, uint32_t index) {
    auto& st = self->state;
    st.streams[index].in_round = false;
    if (!st.round_active())
      finish_round(self);
  }

  static void fail_stream(self_ptr self, uint32_t index, const caf::error& err,
                          round_outcome how) {
    auto& st = self->state;
    if (!st.streams[index].in_round)
      return;  // already ended (a late answer)
    auto text = st.streams[index].folder + ": " + self->system().render(err);
    st.totals.last_error = text;
    st.round.errors.push_back(text);
    (Kind::kind == stream_kind::mail ? st.round.failed_mailboxes : st.round.failed_calendars) = 1;
    st.outcome = std::max(st.outcome, how);
    stream_done(self, index);
  }

  static void fetch(self_ptr self, uint32_t index, const access_token& token) {
    auto& st = self->state;
    auto& s = st.streams[index];
    s.token_used = token.value;
    delta_request req;
    req.mailbox = st.ctx.user.mailbox;
    req.folder = s.folder;
    req.url = s.cursor.next_url();
    req.page_size = st.ctx.tenant.page_size;
    req.window_start = s.cursor.committed().window_start;
    req.window_end = s.cursor.committed().window_end;
    auto handle = caf::actor_cast<delta_stream_private<page_type>>(self);
    Kind::fetch(*st.ctx.port, req, token, [handle, index](caf::expected<page_type> page) {
      if (page)
        caf::anon_send(handle, fetched_atom_v, index, std::move(*page));
      else
        caf::anon_send(handle, failed_atom_v, index, std::move(page.error()));
    });
  }

  static void step(self_ptr self, uint32_t index) {
    auto& st = self->state;
    auto& s = st.streams[index];
    auto rejected = s.force_refresh ? s.token_used : std::string{};
    s.force_refresh = false;
    self->request(st.ctx.tokens, std::chrono::minutes{1}, token_atom_v, std::move(rejected))
      .then([=](access_token& token) { fetch(self, index, token); },
            [=](caf::error& err) { on_token_failed(self, index, err); });
  }

  /// No token: the token actor owns getting one (and parks the tenant on a refused
  /// credential), so the stream's round ends here either way.
  static void on_token_failed(self_ptr self, uint32_t index, const caf::error& err) {
    auto& st = self->state;
    if (!st.streams[index].in_round)
      return;
    st.totals.errors += 1;
    const bool credential = err.category() == caf::atom("token")
                            && static_cast<token_errc>(err.code()) != token_errc::endpoint_error;
    fail_stream(self, index, err,
                credential ? round_outcome::permanent : round_outcome::transient);
  }

  /// The commit of a fetched page failed. A sticky store error ends the round; a transient one
  /// (an I/O error, a commit that took too long) fetches the page again after a backoff, a few
  /// times.
  static void on_commit_failed(self_ptr self, uint32_t index, const caf::error& err) {
    auto& st = self->state;
    auto& s = st.streams[index];
    if (!s.in_round)
      return;
    st.totals.errors += 1;
    if (err.category() == caf::atom("store")
        && (static_cast<store_errc>(err.code()) == store_errc::corrupted
            || static_cast<store_errc>(err.code()) == store_errc::closed))
      return fail_stream(self, index, err, round_outcome::permanent);
    if (++s.commit_attempts >= st.ctx.tuning.max_commit_attempts)
      return fail_stream(self, index, err, round_outcome::transient);
    auto delay = s.commit_retry->next();
    st.log().debug("user {} {}: commit failed: {} (attempt {}), fetching the page again in {} ms",
                   st.ctx.user.user, s.folder, self->system().render(err), s.commit_attempts,
                   delay.count());
    self->delayed_send(self, delay, tick_atom_v, index);
  }

  static void on_fetched(self_ptr self, uint32_t index, page_type& page) {
    auto& st = self->state;
    auto& s = st.streams[index];
    if (!s.in_round)
      return;  // a late answer after the stream's round was ended
    bool final_page = page.final_page;
    auto link = s.cursor.link_for_page(page.link.url, final_page, now_ms());
    page.link = link;
    for (auto& item : page.items) {
      item.tenant = st.ctx.tenant.id;
      item.user = st.ctx.user.user;
      item.mailbox = st.ctx.user.mailbox;
      Kind::stamp(item, s.folder);
    }
    uint64_t excluded = 0;
    if (st.rules.rules) {
      item_context ctx;
      ctx.internal_domains = &st.ctx.tenant.internal_domains;
      excluded = filter_page(*st.rules.rules, page, ctx).excluded;
    }
    self->request(st.ctx.persistence, st.ctx.tuning.commit_timeout, commit_atom_v, std::move(page))
      .then(
        [=](const commit_ack& ack) {
          auto& st = self->state;
          auto& s = st.streams[index];
          s.cursor.on_committed(link, final_page);
          s.commit_attempts = 0;
          s.auth_retried = false;  // a later 401 (token expired mid-round) may refresh again
          s.commit_retry->reset();
          st.round.pages += 1;
          st.round.items += ack.upserted;
          st.round.removed += ack.removed;
          st.round.excluded += excluded;
          st.totals.pages += 1;
          st.totals.items += ack.upserted;
          st.totals.excluded += excluded;
          if (final_page)
            stream_done(self, index);
          else
            step(self, index);
        },
        [=](caf::error& err) { on_commit_failed(self, index, err); });
  }

  /// A fetch failed (the graph port's answer, after the Graph client's own retries).
  static void on_failed(self_ptr self, uint32_t index, const caf::error& err) {
    auto& st = self->state;
    auto& s = st.streams[index];
    if (!s.in_round)
      return;
    st.totals.errors += 1;
    if (err.category() == caf::atom("graph")) {
      switch (static_cast<graph_errc>(err.code())) {
        case graph_errc::sync_state_gone:
          if (++s.gone > 3)
            return fail_stream(self, index, err, round_outcome::permanent);
          st.log().info("user {} {}: sync state gone (410), full resync", st.ctx.user.user,
                        s.folder);
          s.cursor.on_gone(now_ms());
          return step(self, index);
        case graph_errc::unauthorized:
          if (s.auth_retried)
            return fail_stream(self, index, err, round_outcome::permanent);
          s.auth_retried = true;
          s.force_refresh = true;
          return step(self, index);
        case graph_errc::forbidden:
        case graph_errc::not_found:
        case graph_errc::foreign_host:
        case graph_errc::precondition_failed:
          return fail_stream(self, index, err, round_outcome::permanent);
        default:
          break;
      }
    }
    // Throttled, transport, server errors, an undecodable page: the client already retried
    // what may be retried; the next scheduled round asks again.
    fail_stream(self, index, err, round_outcome::transient);
  }
};

/// The state an operator sees: see mailbox_state in messages/lifecycle.hpp.
template <class Kind>
mailbox_state current_state(const state<Kind>& st) {
  if (st.round_active()) {
    for (auto& s : st.streams)
      if (s.in_round && s.commit_attempts > 0)
        return mailbox_state::backoff;
    return mailbox_state::syncing;
  }
  switch (st.last_outcome) {
    case round_outcome::clean: return mailbox_state::idle;
    case round_outcome::transient: return mailbox_state::backoff;
    case round_outcome::permanent: return mailbox_state::parked;
  }
  return mailbox_state::idle;
}

} // namespace delta_stream_detail

/// The behavior of a stream actor of kind `Kind` (spawn it linked to its tenant supervisor).
template <class Kind>
typename delta_stream_private<typename Kind::page_type>::behavior_type
delta_stream_behavior(typename delta_stream_detail::core<Kind>::self_ptr self,
                      stream_context ctx) {
  using d = delta_stream_detail::core<Kind>;
  using behavior = typename delta_stream_private<typename Kind::page_type>::behavior_type;
  using page_type = typename Kind::page_type;
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.totals.user = st.ctx.user.user;
  st.totals.mailbox = st.ctx.user.mailbox;
  st.totals.kind = Kind::kind;
  if (auto err = d::load_streams(self)) {
    self->quit(std::move(err));
    return behavior::make_empty_behavior();
  }
  self->set_exit_handler([self](caf::exit_msg& msg) {
    d::fail_waiting(self, msg.reason);
    self->quit(std::move(msg.reason));  // a custom handler must quit itself
  });
  if (st.ctx.rules) {
    // await: no round starts, and no page is decided, before the current set is here.
    self->request(st.ctx.rules, std::chrono::minutes{1}, subscribe_atom_v)
      .await([self](rule_set_snapshot& current) { self->state.rules = std::move(current); },
             [self](caf::error& err) {
               d::fail_waiting(self, err);
               self->quit(std::move(err));  // the supervisor restarts us with backoff
             });
  }
  if (st.ctx.tuning.sync_at_start) {
    std::uniform_int_distribution<int64_t> spread{0, 500};
    d::arm_round_timer(self, std::chrono::milliseconds{spread(st.rng)});
  }
  return {
    [=](sync_atom) {
      auto& st = self->state;
      auto rp = self->template make_response_promise<round_report>();
      if (st.round_active()) {
        st.next.push_back(rp);  // a round that starts after the request
      } else {
        st.current.push_back(rp);
        d::start_round(self);
      }
      return rp;
    },
    [=](status_atom) {
      auto& st = self->state;
      auto out = st.totals;
      out.state = delta_stream_detail::current_state(st);
      for (auto& s : st.streams) {
        out.links.push_back(s.cursor.committed());
        out.links.back().url.clear();  // links are opaque; never show tokens in URLs
      }
      return out;
    },
    [=](crash_atom) {
      auto err = caf::make_error(sync_errc::mailbox_parked, "injected crash");
      d::fail_waiting(self, err);
      self->quit(err);
    },
    [=](rules_atom, rule_set_snapshot& next) {
      // One sender, in order; the check only guards against a stale subscribe answer.
      if (next.generation > self->state.rules.generation)
        self->state.rules = std::move(next);
    },
    [=](fetched_atom, uint32_t index, page_type& page) { d::on_fetched(self, index, page); },
    [=](failed_atom, uint32_t index, caf::error& err) { d::on_failed(self, index, err); },
    [=](round_atom, uint64_t timer) {
      if (timer == self->state.round_timer)  // stale timers of earlier schedules are ignored
        d::start_round(self);
    },
    [=](tick_atom, uint32_t index) {
      if (index < self->state.streams.size() && self->state.streams[index].in_round)
        d::step(self, index);
    },
  };
}

} // namespace m365
