// Rule evaluation throughput: 1 000 rules (500 domains over org, tenant and user rules, 100
// keywords, 10 regexes) over realistic emails and events. One iteration = one item, so the
// reported time is the cost per item. Target: under 1 us per item.
//   build/bench/rules/rules_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "messages/email.hpp"
#include "messages/event.hpp"
#include "rules/compiled_rule_set.hpp"
#include "rules/reference_evaluator.hpp"

namespace {

using namespace m365;

constexpr int tenant_count = 10;
constexpr int users_per_tenant = 200;

std::string tenant_name(int t) {
  return "t" + std::to_string(t);
}
std::string user_name(int t, int u) {
  return "u-" + std::to_string(t * users_per_tenant + u);
}
std::string internal_domain(int t) {
  return "tenant" + std::to_string(t) + ".example";
}

/// A deterministic world: the domain, keyword and regex pools, the rules and the items.
struct world {
  std::vector<std::string> rule_domains;  // 500
  std::vector<std::string> other_domains; // external domains no rule names
  std::vector<std::string> keywords;      // 100
  std::vector<rule> rules;
  std::vector<email> mails;
  std::vector<event> events;
  std::vector<std::vector<std::string>> internal;  // per tenant
  std::mt19937 rng{1126};

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

  std::string quoted_list(const std::vector<std::string>& pool, size_t from, size_t n) {
    std::string out = "[";
    for (size_t i = 0; i < n; ++i)
      out += (i ? ", \"" : "\"") + pool[(from + i) % pool.size()] + "\"";
    return out + "]";
  }

  void add(std::string id, rule_level level, std::string scope, rule_action action,
           std::string match, int priority, rule_target target = rule_target::email) {
    rule r;
    r.id = std::move(id);
    r.level = level;
    r.scope = std::move(scope);
    r.action = action;
    r.match = std::move(match);
    r.priority = priority;
    r.applies_to = target;
    r.version = 1 + below(5);
    rules.push_back(std::move(r));
  }

  /// `user_rules`: how many user-level rules. The first 600 belong to 400 users who own items;
  /// the rest (the 10 000-rule set) to users who own none, to show that other users' rules do
  /// not slow an item down.
  explicit world(int user_rules) {
    for (int i = 0; i < 500; ++i)
      rule_domains.push_back("d" + std::to_string(i) + (i % 3 ? ".client.example" : ".news.example"));
    for (int i = 0; i < 2000; ++i)
      other_domains.push_back("partner" + std::to_string(i) + ".example");
    const char* stems[] = {"newsletter", "webinar", "unsubscribe", "promotion", "digest",
                           "invoice", "receipt", "survey", "offer", "discount"};
    for (int i = 0; i < 100; ++i)
      keywords.push_back(std::string(stems[i % 10]) + (i < 10 ? "" : "-" + std::to_string(i)));
    for (int t = 0; t < tenant_count; ++t)
      internal.push_back({internal_domain(t)});

    // Org: 100 rules. 180 domains, 40 keywords, 4 regexes, a few structural rules.
    size_t d = 0;
    for (int i = 0; i < 60; ++i, d += 3)
      add("org-dom-" + std::to_string(i), rule_level::org, "", rule_action::exclude,
          R"({"sender_domain": )" + quoted_list(rule_domains, d, 3) + "}", 100 + i);
    for (int i = 0; i < 20; ++i)
      add("org-kw-" + std::to_string(i), rule_level::org, "", rule_action::exclude,
          R"({"subject_contains": )" + quoted_list(keywords, 2 * i, 2) + "}", 200 + i);
    for (int i = 0; i < 10; ++i)
      add("org-body-" + std::to_string(i), rule_level::org, "", rule_action::exclude,
          R"({"all": [{"body_contains": )" + quoted_list(keywords, 40 + 2 * i, 2)
            + R"(}, {"not": {"importance": "high"}}]})",
          300 + i);
    const char* org_regex[] = {R"(^\\[SPAM\\])", R"((?i)out of office)", R"(^Automatic reply:)",
                               R"(\\b[A-Z]{3}-\\d{5}\\b)"};
    for (int i = 0; i < 4; ++i)
      add("org-re-" + std::to_string(i), rule_level::org, "", rule_action::exclude,
          std::string(R"({"subject_regex": ")") + org_regex[i] + "\"}", 400 + i);
    add("org-private", rule_level::org, "", rule_action::exclude,
        R"({"sensitivity": ["private", "confidential"]})", 1, rule_target::event);
    add("org-oof", rule_level::org, "", rule_action::exclude, R"({"show_as": "oof"})", 2,
        rule_target::event);
    for (int i = 0; i < 4; ++i)
      add("org-junk-" + std::to_string(i), rule_level::org, "", rule_action::exclude,
          R"({"folder": ["junkemail", "deleteditems"], "not": {"category": ["keep"]}})", 500 + i);

    // Tenants: 300 rules (30 each). 200 domains, 40 keywords, 6 regexes.
    for (int t = 0; t < tenant_count; ++t) {
      auto scope = tenant_name(t);
      for (int i = 0; i < 20; ++i, ++d)
        add(scope + "-dom-" + std::to_string(i), rule_level::tenant, scope, rule_action::exclude,
            R"({"participant_domain": )" + quoted_list(rule_domains, d, 1) + "}", 10 + i);
      for (int i = 0; i < 4; ++i)
        add(scope + "-kw-" + std::to_string(i), rule_level::tenant, scope, rule_action::exclude,
            R"({"subject_contains": )" + quoted_list(keywords, 60 + (t * 4 + i) % 40, 1) + "}",
            50 + i);
      add(scope + "-internal", rule_level::tenant, scope, rule_action::exclude,
          R"({"internal_only": true, "not": {"category": ["client", "deal"]}})", 60);
      add(scope + "-keep-vip", rule_level::tenant, scope, rule_action::include,
          R"({"category": ["vip"]})", 1);
      add(scope + "-re", rule_level::tenant, scope, rule_action::exclude,
          R"({"subject_regex": "(?i)^(fw|fwd): .*)" + std::to_string(t) + "\"}", 70);
      add(scope + "-recurring", rule_level::tenant, scope, rule_action::exclude,
          R"({"recurring": true, "internal_only": true})", 80, rule_target::event);
      add(scope + "-cc-news", rule_level::tenant, scope, rule_action::exclude,
          R"({"recipient_domain": )" + quoted_list(rule_domains, t * 7, 2) + "}", 90);
      add(scope + "-low", rule_level::tenant, scope, rule_action::exclude,
          R"({"importance": "low", "sender_domain": )" + quoted_list(rule_domains, t * 11, 3)
            + "}",
          95);
    }

    // Users: 600 rules over 400 users. 120 domains, 20 keywords (shared), overrides of org rules.
    for (int i = 0; i < user_rules; ++i) {
      int t = i % tenant_count;
      int u = (i / tenant_count) % 40;
      // Beyond the first 600, rules belong to users who own none of the items below.
      auto scope = i < 600 ? user_name(t, u) : "other-" + std::to_string(i);
      std::string id = "user-" + std::to_string(i);
      switch (i % 4) {
        case 0:  // "I want newsletters from this client": overrides an org domain exclude
          add(id, rule_level::user, scope, rule_action::include,
              R"({"all": [{"subject_contains": )" + quoted_list(keywords, i % 20, 1)
                + R"(}, {"sender_domain": )" + quoted_list(rule_domains, i % 180, 1) + "}]}",
              10);
          break;
        case 1:
          add(id, rule_level::user, scope, rule_action::exclude,
              R"({"participant_domain": )" + quoted_list(rule_domains, 380 + i % 120, 1) + "}", 20);
          break;
        case 2:
          add(id, rule_level::user, scope, rule_action::include,
              R"({"sender_address": ["ceo@)" + rule_domains[i % 500] + R"(", "desk@)"
                + rule_domains[(i * 7) % 500] + "\"]}",
              30);
          break;
        default:
          add(id, rule_level::user, scope, rule_action::exclude,
              R"({"any": [{"subject_contains": )" + quoted_list(keywords, 80 + i % 20, 2)
                + R"(}, {"category": "personal"}]})",
              40);
      }
    }

    const char* subjects[] = {"Re: Project status for next week", "Meeting notes from Tuesday",
                              "Quarterly report draft v3", "Lunch on Friday?",
                              "Contract renewal - please review", "FW: Travel itinerary",
                              "Invitation: roadmap review", "Question about the last delivery",
                              "Automatic reply: Back on Monday", "Updated pricing sheet"};
    const std::string lorem =
      "Hi team, following up on our conversation earlier today. Please find the details "
      "below and let me know if anything is missing before we send it to the customer. "
      "Thanks a lot and best regards, ";
    for (int i = 0; i < 4096; ++i) {
      int t = below(tenant_count);
      email m;
      m.tenant = tenant_name(t);
      m.user = user_name(t, below(users_per_tenant));
      m.folder = below(10) < 7 ? "inbox" : "sentitems";
      int kind = below(100);
      std::string from_domain = kind < 30   ? internal_domain(t)
                                : kind < 50 ? rule_domains[below(500)]
                                            : other_domains[below(2000)];
      m.from = {"Sender", "First.Last" + std::to_string(below(50)) + "@" + from_domain};
      for (int r = 0, n = 1 + below(4); r < n; ++r)
        m.to.push_back({"", "user" + std::to_string(below(200)) + "@"
                              + (below(3) ? internal_domain(t) : other_domains[below(2000)])});
      if (below(3) == 0)
        m.cc.push_back({"", "cc" + std::to_string(below(200)) + "@" + internal_domain(t)});
      m.subject = subjects[below(10)];
      if (below(10) == 0)
        m.subject += " - " + keywords[below(100)];
      m.body_preview = lorem + m.from.name;
      if (below(20) == 0)
        m.body_preview += " " + keywords[below(100)];
      m.body_preview.resize(std::min<size_t>(m.body_preview.size(), 255));
      m.importance = below(20) == 0 ? "high" : "normal";
      if (below(8) == 0)
        m.categories.push_back(below(2) ? "Client" : "VIP");
      mails.push_back(std::move(m));
    }
    for (int i = 0; i < 1024; ++i) {
      int t = below(tenant_count);
      event e;
      e.tenant = tenant_name(t);
      e.user = user_name(t, below(users_per_tenant));
      e.organizer = {"", "organizer@" + (below(2) ? internal_domain(t) : other_domains[below(2000)])};
      for (int a = 0, n = below(6); a < n; ++a)
        e.attendees.push_back({{"", "a" + std::to_string(a) + "@" + internal_domain(t)}, "required", "none"});
      e.subject = subjects[below(10)];
      e.body_preview = lorem.substr(0, 120);
      e.sensitivity = below(10) == 0 ? "private" : "normal";
      e.show_as = below(10) == 0 ? "oof" : "busy";
      e.importance = "normal";
      e.kind = below(4) == 0 ? event_kind::occurrence : event_kind::single_instance;
      events.push_back(std::move(e));
    }
  }
};

world& the_world() {
  static world w(600);
  return w;
}

std::shared_ptr<const compiled_rule_set> compiled() {
  static auto set = *compiled_rule_set::compile(the_world().rules);
  return set;
}

/// 10 000 rules, 9 600 of them user rules: an item's cost must not grow with other users' rules.
world& the_big_world() {
  static world w(9600);
  return w;
}

item_context context_of(const std::string& tenant) {
  return item_context{&the_world().internal[std::stoi(tenant.substr(1))]};
}

void evaluate_emails(benchmark::State& state, world& w,
                     const std::shared_ptr<const compiled_rule_set>& set) {
  std::vector<item_context> ctx;
  for (const auto& m : w.mails)
    ctx.push_back(context_of(m.tenant));
  size_t i = 0;
  int64_t excluded = 0;
  for (auto _ : state) {
    auto d = set->evaluate(w.mails[i], ctx[i]);
    excluded += d.action == rule_action::exclude;
    benchmark::DoNotOptimize(d);
    i = (i + 1) % w.mails.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["excluded_pct"] = benchmark::Counter(
    100.0 * double(excluded) / double(state.iterations()), benchmark::Counter::kAvgThreads);
  state.counters["rules"] = benchmark::Counter(double(w.rules.size()), benchmark::Counter::kAvgThreads);
}

void BM_evaluate_email(benchmark::State& state) {
  evaluate_emails(state, the_world(), compiled());
}
BENCHMARK(BM_evaluate_email);
BENCHMARK(BM_evaluate_email)->Threads(2);

void BM_evaluate_email_10k_rules(benchmark::State& state) {
  static auto set = *compiled_rule_set::compile(the_big_world().rules);
  evaluate_emails(state, the_big_world(), set);
}
BENCHMARK(BM_evaluate_email_10k_rules);

void BM_evaluate_event(benchmark::State& state) {
  auto& w = the_world();
  auto set = compiled();
  size_t i = 0;
  for (auto _ : state) {
    const auto& e = w.events[i];
    benchmark::DoNotOptimize(set->evaluate(e, context_of(e.tenant)));
    i = (i + 1) % w.events.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_evaluate_event);

/// The engine's path: a page of 100 emails of one mailbox, verdicts written into the items.
void BM_decide_page(benchmark::State& state) {
  auto& w = the_world();
  auto set = compiled();
  std::vector<email> page(w.mails.begin(), w.mails.begin() + 100);
  for (auto& m : page) {
    m.tenant = "t3";
    m.user = user_name(3, 7);
  }
  auto ctx = context_of("t3");
  for (auto _ : state) {
    set->decide_page(page, ctx);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * int64_t(page.size()));
}
BENCHMARK(BM_decide_page);

void BM_compile_rule_set(benchmark::State& state) {
  auto& w = the_world();
  for (auto _ : state)
    benchmark::DoNotOptimize(compiled_rule_set::compile(w.rules));
  state.SetItemsProcessed(state.iterations() * int64_t(w.rules.size()));
}
BENCHMARK(BM_compile_rule_set)->Unit(benchmark::kMillisecond);

/// For scale only: the reference evaluator re-parses every rule's JSON per item.
void BM_reference_evaluate_email(benchmark::State& state) {
  auto& w = the_world();
  reference_evaluator ref(w.rules);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ref.evaluate(w.mails[i], context_of(w.mails[i].tenant)));
    i = (i + 1) % w.mails.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_reference_evaluate_email)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
