#include "actors/stream_actor.hpp"

#include <random>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/backoff.hpp"
#include "actors/clock.hpp"
#include "actors/delta_cursor.hpp"

namespace m365 {

namespace {

using stream_private = stream_actor::extend<
  caf::reacts_to<fetched_atom, uint32_t, email_page>,
  caf::reacts_to<fetched_atom, uint32_t, event_page>,
  caf::reacts_to<failed_atom, uint32_t, caf::error>,
  caf::reacts_to<round_atom, uint64_t>,
  caf::reacts_to<tick_atom, uint32_t>>;

constexpr int64_t day_ms = 24 * 3600 * 1000;

/// One folder (or the calendar) of the mailbox.
struct stream {
  std::string folder;
  delta_cursor cursor;
  bool in_round = false;
  uint32_t attempts = 0;       ///< transient failures in this round
  uint32_t gone = 0;           ///< 410s in this round
  bool auth_retried = false;   ///< one forced token refresh per round
  bool force_refresh = false;  ///< the next token request rejects `token_used`
  std::string token_used;      ///< value of the token of the last fetch (to reject on 401)
  std::unique_ptr<backoff> retry;
};

struct stream_state {
  stream_kind kind = stream_kind::mail;
  stream_context ctx;
  std::vector<stream> streams;
  bool round_active = false;
  round_report round;
  std::vector<caf::typed_response_promise<round_report>> current;  ///< answered by this round
  std::vector<caf::typed_response_promise<round_report>> next;     ///< wait for the next round
  mailbox_status totals;
  std::mt19937_64 rng{std::random_device{}()};
  uint64_t round_timer = 0;  ///< only the latest scheduled round timer starts a round
  static inline const char* name = "stream_actor";

  spdlog::logger& log() { return ctx.log ? *ctx.log : *spdlog::default_logger(); }
};

using self_ptr = stream_private::stateful_pointer<stream_state>;

/// The calendar window for today (UTC days), [today - past, today + future).
std::pair<timestamp_ms, timestamp_ms> calendar_window(const tenant_settings& t) {
  auto today = now_ms() / day_ms * day_ms;
  return {today - int64_t{t.calendar_past_days} * day_ms,
          today + int64_t{t.calendar_future_days} * day_ms};
}

delta_link default_link(const stream_state& st, const std::string& folder) {
  delta_link link;
  link.tenant = st.ctx.tenant.id;
  link.user = st.ctx.user.user;
  link.folder = folder;
  return link;
}

caf::error load_streams(self_ptr self) {
  auto& st = self->state;
  std::vector<std::string> folders;
  if (st.kind == stream_kind::calendar)
    folders.push_back("calendar");
  else
    folders = st.ctx.tenant.folders;
  for (auto& folder : folders) {
    stream s;
    s.folder = folder;
    delta_link link = default_link(st, folder);
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
    s.retry = std::make_unique<backoff>(st.ctx.retry_base, std::chrono::minutes{2}, st.rng());
    st.streams.push_back(std::move(s));
  }
  return caf::error{};
}

/// Arms the round timer; an earlier timer still pending becomes stale and is ignored.
void arm_round_timer(self_ptr self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  self->delayed_send(self, delay, round_atom_v, ++st.round_timer);
}

void schedule_next_round(self_ptr self) {
  auto& st = self->state;
  auto interval_s = st.kind == stream_kind::calendar ? st.ctx.tenant.calendar_interval_s
                                                     : st.ctx.tenant.email_interval_s;
  auto interval = std::chrono::milliseconds{int64_t{std::max<uint32_t>(interval_s, 1)} * 1000};
  // +-10 % jitter so thousands of mailboxes do not fire together.
  std::uniform_int_distribution<int64_t> jitter{-interval.count() / 10, interval.count() / 10};
  arm_round_timer(self, interval + std::chrono::milliseconds{jitter(st.rng)});
}

/// Answers every sync request still waiting (the actor is about to stop).
void fail_waiting(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  for (auto* list : {&st.current, &st.next}) {
    for (auto& rp : *list)
      rp.deliver(reason ? reason : caf::make_error(sync_errc::shutting_down));
    list->clear();
  }
}

void step(self_ptr self, uint32_t index);
void start_round(self_ptr self);

void finish_round(self_ptr self) {
  auto& st = self->state;
  st.round_active = false;
  st.totals.last_round_at = now_ms();
  auto report = std::move(st.round);
  st.round = round_report{};
  for (auto& rp : st.current)
    rp.deliver(report);
  st.current.clear();
  if (!report.errors.empty())
    st.log().warn("user {}: round ended with {} failed stream(s): {}", st.ctx.user.user,
                  report.errors.size(), report.errors.front());
  schedule_next_round(self);
  if (!st.next.empty()) {
    st.current.swap(st.next);
    start_round(self);
  }
}

void start_round(self_ptr self) {
  auto& st = self->state;
  if (st.round_active)
    return;
  st.round_active = true;
  st.round = round_report{};
  st.round.tenant = st.ctx.tenant.id;
  st.round.mailboxes = st.kind == stream_kind::mail ? 1 : 0;  // a user's calendar is no mailbox
  if (st.kind == stream_kind::calendar) {
    // Roll the window daily: a new window starts a fresh delta round (no sweep: events that
    // left the window stay in the CRM as history).
    auto [from, to] = calendar_window(st.ctx.tenant);
    auto& s = st.streams.front();
    auto link = s.cursor.committed();
    if (link.window_start != from || link.window_end != to) {
      link.window_start = from;
      link.window_end = to;
      link.url.clear();
      if (link.phase != sync_phase::resync)  // an unfinished resync must still sweep
        link.phase = sync_phase::initial;
      s.cursor = delta_cursor{std::move(link)};
    }
  }
  if (st.streams.empty()) {
    finish_round(self);
    return;
  }
  for (uint32_t i = 0; i < st.streams.size(); ++i) {
    auto& s = st.streams[i];
    s.in_round = true;
    s.attempts = 0;
    s.gone = 0;
    s.auth_retried = false;
    step(self, i);
  }
}

void stream_done(self_ptr self, uint32_t index) {
  auto& st = self->state;
  st.streams[index].in_round = false;
  for (auto& s : st.streams)
    if (s.in_round)
      return;
  finish_round(self);
}

void fail_stream(self_ptr self, uint32_t index, const caf::error& err) {
  auto& st = self->state;
  auto text = st.streams[index].folder + ": " + self->system().render(err);
  st.totals.last_error = text;
  st.round.errors.push_back(text);
  st.round.failed_mailboxes = 1;
  stream_done(self, index);
}

void fetch(self_ptr self, uint32_t index, const access_token& token) {
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
  auto handle = caf::actor_cast<stream_private>(self);
  auto on_error = [handle, index](caf::error err) {
    caf::anon_send(handle, failed_atom_v, index, std::move(err));
  };
  if (st.kind == stream_kind::mail)
    st.ctx.port->fetch_messages(req, token, [=](caf::expected<email_page> page) {
      if (page)
        caf::anon_send(handle, fetched_atom_v, index, std::move(*page));
      else
        on_error(std::move(page.error()));
    });
  else
    st.ctx.port->fetch_events(req, token, [=](caf::expected<event_page> page) {
      if (page)
        caf::anon_send(handle, fetched_atom_v, index, std::move(*page));
      else
        on_error(std::move(page.error()));
    });
}

void step(self_ptr self, uint32_t index) {
  auto& st = self->state;
  auto& s = st.streams[index];
  auto rejected = s.force_refresh ? s.token_used : std::string{};
  s.force_refresh = false;
  self->request(st.ctx.tokens, std::chrono::minutes{1}, token_atom_v, std::move(rejected))
    .then([=](access_token& token) { fetch(self, index, token); },
          [=](caf::error& err) {
            caf::anon_send(caf::actor_cast<stream_private>(self), failed_atom_v, index, err);
          });
}

template <class Page>
void on_fetched(self_ptr self, uint32_t index, Page& page) {
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
    if constexpr (std::is_same_v<Page, email_page>)
      item.folder = s.folder;
  }
  uint64_t excluded = st.ctx.filter ? st.ctx.filter->apply(page, st.ctx.tenant.internal_domains)
                                    : 0;
  self->request(st.ctx.persistence, st.ctx.commit_timeout, commit_atom_v, std::move(page))
    .then(
      [=](const commit_ack& ack) {
        auto& st = self->state;
        auto& s = st.streams[index];
        s.cursor.on_committed(link, final_page);
        s.attempts = 0;
        s.auth_retried = false;  // a later 401 (token expired mid-round) may refresh again
        s.retry->reset();
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
      [=](caf::error& err) {
        caf::anon_send(caf::actor_cast<stream_private>(self), failed_atom_v, index, err);
      });
}

void on_failed(self_ptr self, uint32_t index, const caf::error& err) {
  auto& st = self->state;
  auto& s = st.streams[index];
  if (!s.in_round)
    return;
  st.totals.errors += 1;
  if (err.category() == caf::atom("graph")) {
    switch (static_cast<graph_errc>(err.code())) {
      case graph_errc::sync_state_gone:
        if (++s.gone > 3)
          return fail_stream(self, index, err);
        st.log().info("user {} {}: sync state gone (410), full resync", st.ctx.user.user,
                      s.folder);
        s.cursor.on_gone(now_ms());
        return step(self, index);
      case graph_errc::unauthorized:
        if (s.auth_retried)
          return fail_stream(self, index, err);
        s.auth_retried = true;
        s.force_refresh = true;
        return step(self, index);
      case graph_errc::throttled:  // the client already waited what Graph allowed
      case graph_errc::forbidden:
      case graph_errc::not_found:
      case graph_errc::foreign_host:
      case graph_errc::precondition_failed:
        return fail_stream(self, index, err);
      default:
        break;  // transient
    }
  } else if (err.category() == caf::atom("token")) {
    if (static_cast<token_errc>(err.code()) != token_errc::endpoint_error)
      return fail_stream(self, index, err);  // the tenant is parked; its status says why
  } else if (err.category() == caf::atom("store")) {
    if (static_cast<store_errc>(err.code()) == store_errc::corrupted
        || static_cast<store_errc>(err.code()) == store_errc::closed)
      return fail_stream(self, index, err);
  }
  if (++s.attempts >= st.ctx.max_attempts)
    return fail_stream(self, index, err);
  auto delay = s.retry->next();
  st.log().debug("user {} {}: {} (attempt {}), retrying in {} ms", st.ctx.user.user, s.folder,
                 self->system().render(err), s.attempts, delay.count());
  self->delayed_send(self, delay, tick_atom_v, index);
}

stream_private::behavior_type stream_impl(self_ptr self, stream_kind kind, stream_context ctx) {
  self->state.kind = kind;
  self->state.ctx = std::move(ctx);
  self->state.totals.user = self->state.ctx.user.user;
  self->state.totals.mailbox = self->state.ctx.user.mailbox;
  if (auto err = load_streams(self)) {
    self->quit(std::move(err));
    return stream_private::behavior_type::make_empty_behavior();
  }
  self->set_exit_handler([self](caf::exit_msg& msg) {
    fail_waiting(self, msg.reason);
    self->quit(std::move(msg.reason));  // a custom handler must quit itself
  });
  if (self->state.ctx.sync_at_start) {
    std::uniform_int_distribution<int64_t> spread{0, 500};
    arm_round_timer(self, std::chrono::milliseconds{spread(self->state.rng)});
  }
  return {
    [=](sync_atom) {
      auto& st = self->state;
      auto rp = self->make_response_promise<round_report>();
      if (st.round_active) {
        st.next.push_back(rp);  // a round that starts after the request
      } else {
        st.current.push_back(rp);
        start_round(self);
      }
      return rp;
    },
    [=](status_atom) {
      auto& st = self->state;
      auto out = st.totals;
      out.state = st.round_active ? "syncing" : "idle";
      for (auto& s : st.streams) {
        out.links.push_back(s.cursor.committed());
        out.links.back().url.clear();  // links are opaque; never show tokens in URLs
        if (s.in_round && s.attempts > 0)
          out.state = "backoff";
      }
      return out;
    },
    [=](crash_atom) {
      auto err = caf::make_error(sync_errc::mailbox_parked, "injected crash");
      fail_waiting(self, err);
      self->quit(err);
    },
    [=](fetched_atom, uint32_t index, email_page& page) { on_fetched(self, index, page); },
    [=](fetched_atom, uint32_t index, event_page& page) { on_fetched(self, index, page); },
    [=](failed_atom, uint32_t index, caf::error& err) { on_failed(self, index, err); },
    [=](round_atom, uint64_t timer) {
      if (timer == self->state.round_timer)  // stale timers of earlier schedules are ignored
        start_round(self);
    },
    [=](tick_atom, uint32_t index) {
      if (index < self->state.streams.size() && self->state.streams[index].in_round)
        step(self, index);
    },
  };
}

} // namespace

stream_actor spawn_linked_stream_actor(caf::local_actor* parent, stream_kind kind,
                                       stream_context context) {
  return caf::actor_cast<stream_actor>(
    parent->spawn<caf::linked>(stream_impl, kind, std::move(context)));
}

stream_actor spawn_stream_actor(caf::actor_system& sys, stream_kind kind,
                                stream_context context) {
  return caf::actor_cast<stream_actor>(sys.spawn(stream_impl, kind, std::move(context)));
}

} // namespace m365
