#include "fake_graph.hpp"

namespace m365::test {

namespace {

class fake_port : public graph_port {
public:
  fake_port(std::shared_ptr<fake_graph> graph, tenant_id tenant)
    : graph_(std::move(graph)), tenant_(std::move(tenant)) {}

  void request_token(token_callback done) override { done(graph_->token(tenant_)); }

  void fetch_messages(const delta_request& request, const access_token& token,
                      email_callback done) override {
    if (graph_->hangs(tenant_))
      return;  // the answer never comes
    done(graph_->fetch(tenant_, request, token));
  }

  void fetch_events(const delta_request&, const access_token&, event_callback done) override {
    event_page empty;
    empty.final_page = true;
    empty.link.url = "calendar-delta";
    done(std::move(empty));
  }

private:
  std::shared_ptr<fake_graph> graph_;
  tenant_id tenant_;
};

class fake_factory : public graph_port_factory {
public:
  explicit fake_factory(std::shared_ptr<fake_graph> graph) : graph_(std::move(graph)) {}
  caf::expected<std::shared_ptr<graph_port>>
  make_port(const tenant_settings& t, std::shared_ptr<spdlog::logger>) override {
    if (t.graph.find("invalid") != std::string::npos)
      return caf::make_error(sync_errc::tenant_parked, "graph endpoint refused");
    return std::shared_ptr<graph_port>{std::make_shared<fake_port>(graph_, t.id)};
  }

private:
  std::shared_ptr<fake_graph> graph_;
};

} // namespace

email make_email(const std::string& id, const std::string& subject) {
  email e;
  e.graph_id = id;
  e.internet_message_id = "<" + id + "@example.com>";
  e.subject = subject;
  return e;
}

void fake_graph::add_email(const std::string& mailbox, const std::string& folder, email e) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& f = folders_[mailbox + "/" + folder];
  f.added_at[e.graph_id] = ++f.version;
  f.items.push_back(std::move(e));
}

void fake_graph::remove_email(const std::string& mailbox, const std::string& folder,
                              const std::string& graph_id) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& f = folders_[mailbox + "/" + folder];
  f.items.erase(std::remove_if(f.items.begin(), f.items.end(),
                               [&](const email& e) { return e.graph_id == graph_id; }),
                f.items.end());
  f.added_at.erase(graph_id);
  f.removals.emplace_back(++f.version, graph_id);
}

void fake_graph::set_faults(const tenant_id& tenant, fake_faults faults) {
  std::lock_guard<std::mutex> guard{mutex_};
  faults_[tenant] = std::move(faults);
}

std::vector<std::string> fake_graph::fetched_urls(const tenant_id& tenant) {
  std::lock_guard<std::mutex> guard{mutex_};
  return urls_[tenant];
}

bool fake_graph::hangs(const tenant_id& tenant) {
  std::lock_guard<std::mutex> guard{mutex_};
  return faults_[tenant].hang;
}

size_t fake_graph::token_requests(const tenant_id& tenant) {
  std::lock_guard<std::mutex> guard{mutex_};
  return tokens_[tenant];
}

caf::expected<access_token> fake_graph::token(const tenant_id& tenant) {
  std::lock_guard<std::mutex> guard{mutex_};
  ++tokens_[tenant];
  auto& faults = faults_[tenant];
  if (faults.token_error)
    return faults.token_error;
  access_token t;
  t.tenant = tenant;
  t.value = "token-" + tenant + "-" + std::to_string(tokens_[tenant]);
  t.expires_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()
                 + 3600 * 1000;
  return t;
}

// URLs: "" starts a round; "page:<since>:<offset>" continues one; "delta:<version>" is the
// delta link: changes after <version>.
caf::expected<email_page> fake_graph::fetch(const tenant_id& tenant, const delta_request& req,
                                            const access_token& token) {
  std::lock_guard<std::mutex> guard{mutex_};
  urls_[tenant].push_back(req.url);
  auto& faults = faults_[tenant];
  if (token.tenant != tenant)
    return caf::make_error(graph_errc::unauthorized, "token of another tenant");
  if (faults.unauthorized_once) {
    faults.unauthorized_once = false;
    return caf::make_error(graph_errc::unauthorized, "InvalidAuthenticationToken");
  }
  if (faults.transient_failures > 0) {
    --faults.transient_failures;
    return caf::make_error(graph_errc::transport, "connection reset");
  }
  size_t since = 0;
  size_t offset = 0;
  if (req.url.rfind("delta:", 0) == 0) {
    if (faults.gone_on_next_delta) {
      faults.gone_on_next_delta = false;
      return caf::make_error(graph_errc::sync_state_gone, "syncStateNotFound");
    }
    since = std::stoul(req.url.substr(6));
  } else if (req.url.rfind("page:", 0) == 0) {
    auto colon = req.url.find(':', 5);
    since = std::stoul(req.url.substr(5, colon - 5));
    offset = std::stoul(req.url.substr(colon + 1));
  }
  auto& f = folders_[req.mailbox + "/" + req.folder];
  // Changes after `since`: current items written later, then removals later.
  std::vector<const email*> changed;
  for (auto& e : f.items)
    if (f.added_at[e.graph_id] > since)
      changed.push_back(&e);
  std::vector<std::string> removed;
  if (since > 0)
    for (auto& [version, id] : f.removals)
      if (version > since)
        removed.push_back(id);
  email_page page;
  size_t end = std::min(changed.size(), offset + page_size_);
  for (size_t i = offset; i < end; ++i)
    page.items.push_back(*changed[i]);
  if (end < changed.size()) {
    page.link.url = "page:" + std::to_string(since) + ":" + std::to_string(end);
  } else {
    page.removed_ids = std::move(removed);
    page.final_page = true;
    page.link.url = "delta:" + std::to_string(f.version);
  }
  return page;
}

std::shared_ptr<graph_port_factory> fake_graph::factory() {
  return std::make_shared<fake_factory>(shared_from_this());
}

caf::expected<delta_link> fake_store::load(const tenant_id& t, const user_id& u,
                                           const std::string& f) {
  std::lock_guard<std::mutex> guard{mutex};
  if (fail_loads)
    return caf::make_error(store_errc::io_error, "store unreadable");
  auto i = links.find(t + "|" + u + "|" + f);
  if (i == links.end()) {
    delta_link fresh;  // a new stream, as the real loader answers
    fresh.tenant = t;
    fresh.user = u;
    fresh.folder = f;
    return fresh;
  }
  return i->second;
}

size_t fake_store::count_for(const tenant_id& tenant) {
  std::lock_guard<std::mutex> guard{mutex};
  size_t n = 0;
  for (auto& [key, e] : emails)
    if (e.tenant == tenant)
      ++n;
  return n;
}

persistence_actor spawn_fake_persistence(caf::actor_system& sys, std::shared_ptr<fake_store> s) {
  // `s` as a spawn argument, not a capture: CAF 0.17.6 dereferences a null argument tuple when
  // a function-based actor is spawned without arguments (UBSan reports it).
  auto impl = [](persistence_actor::pointer,
                 std::shared_ptr<fake_store> s) -> persistence_actor::behavior_type {
    return {
      [s](commit_atom, email_page& page) -> caf::result<commit_ack> {
        std::lock_guard<std::mutex> guard{s->mutex};
        if (s->failing_commits > 0) {
          --s->failing_commits;
          return caf::make_error(store_errc::io_error, "disk hiccup");
        }
        commit_ack ack;
        auto prefix = page.link.tenant + "|" + page.link.user + "|";
        for (auto& id : page.removed_ids)
          ack.removed += s->emails.erase(prefix + id);
        for (auto& e : page.items) {
          s->emails[prefix + e.graph_id] = e;
          ++ack.upserted;
        }
        s->links[prefix + page.link.folder] = page.link;
        ++s->pages;
        return ack;
      },
      [s](commit_atom, event_page& page) {
        std::lock_guard<std::mutex> guard{s->mutex};
        s->links[page.link.tenant + "|" + page.link.user + "|" + page.link.folder] = page.link;
        return commit_ack{};
      },
      [](flush_atom) { return commit_ack{}; },
      [s](rules_atom, const rule_change& change) -> caf::result<commit_ack> {
        std::lock_guard<std::mutex> guard{s->mutex};
        ++s->rule_changes;
        if (s->rule_store)
          if (auto st = s->rule_store->change_rules(change); !st)
            return caf::make_error(store_errc::io_error, st.message());
        commit_ack ack;
        ack.removed = change.purge.size();
        return ack;
      },
    };
  };
  return sys.spawn(impl, std::move(s));
}

} // namespace m365::test
