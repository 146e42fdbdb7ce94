// Compilation of a rule set into per-kind, per-bucket indexes, and the per-item evaluation.
#include "rules/compiled_rule_set.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include <re2/re2.h>
#include <re2/set.h>

#include "rules/ascii_case.hpp"
#include "rules/error_text.hpp"
#include "rules/fact_table.hpp"
#include "rules/keyword_automaton.hpp"
#include "rules/predicate.hpp"
#include "rules/rule_scope.hpp"
#include "rules/rule_validation.hpp"
#include "rules/string_table.hpp"

namespace m365 {

namespace {

using rules_impl::domain_of;
using rules_impl::fact_table;
using rules_impl::fold_ascii;
using rules_impl::fold_into;
using rules_impl::keyword_automaton;
using rules_impl::string_table;

/// What an item can say about itself. A fact is (code, value id), value ids coming from the
/// set's dictionary (booleans use 0 and 1).
enum class fact_code : uint32_t {
  sender_address = 1,
  sender_domain,
  recipient_address,
  recipient_domain,
  subject_keyword,
  body_keyword,
  subject_regex,
  category,
  sensitivity,
  importance,
  folder,
  internal_only,
  recurring,
  show_as,
  count_
};

constexpr uint64_t fact_key(fact_code code, uint32_t value) noexcept {
  return (static_cast<uint64_t>(code) << 32) | value;
}

/// A node of a flattened match tree. leaf: arg = leaf id; negate: arg = child node;
/// all/any: children are child_nodes[arg, arg + count).
struct flat_node {
  predicate_op op;
  uint32_t arg;
  uint32_t count;
};

/// "This leaf is true when the item has that fact"; position = the rule's place in its bucket.
struct posting {
  uint32_t leaf;
  uint32_t position;
};

/// The enabled rules of one user, one tenant or the org, for one item kind.
struct bucket {
  std::vector<uint32_t> order;   ///< rule indices in precedence order
  std::vector<uint32_t> always;  ///< positions of rules that may match with no true leaf
  fact_table facts;              ///< fact -> postings range
  std::vector<posting> postings;
};

/// The buckets of one item kind. User and tenant buckets are found through string tables
/// (user id / tenant id -> index into users / tenants).
struct kind_index {
  string_table user_ids;
  std::vector<bucket> users;
  string_table tenant_ids;
  std::vector<bucket> tenants;
  bucket org;

  const bucket* user(std::string_view id) const noexcept {
    auto i = user_ids.find(id);
    return i == string_table::npos ? nullptr : &users[i];
  }
  const bucket* tenant(std::string_view id) const noexcept {
    auto i = tenant_ids.find(id);
    return i == string_table::npos ? nullptr : &tenants[i];
  }
};

struct compiled_rule {
  uint32_t root = 0;
  std::string bucket_key;     ///< user id (user rules), tenant id (tenant rules), empty (org)
  std::string pinned_tenant;  ///< user rules scoped "tenant/user"
  bool anchored = true;       ///< false when the tree is true with every leaf false
  std::vector<uint32_t> leaves;
  std::vector<std::pair<uint64_t, uint32_t>> leaf_facts;  ///< (fact, leaf)
};

/// Per-thread working memory: grown once, reused for every item (no per-item allocation).
struct scratch {
  std::string folded;
  std::vector<uint64_t> facts;
  std::vector<uint8_t> leaf_true;
  std::vector<uint32_t> touched;
  std::vector<uint32_t> candidates;
  std::vector<int> regex_hits;
};

scratch& thread_scratch() {
  thread_local scratch s;
  return s;
}

bool covers(rule_target target, rule_target kind) noexcept {
  return (static_cast<uint8_t>(target) & static_cast<uint8_t>(kind)) != 0;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (fold_ascii(a[i]) != fold_ascii(b[i]))
      return false;
  return true;
}

bool is_internal(std::string_view domain, const item_context& ctx) noexcept {
  if (domain.empty() || ctx.internal_domains == nullptr)
    return false;
  for (const auto& d : *ctx.internal_domains)
    if (iequals(d, domain))
      return true;
  return false;
}

bool is_recurring(const event& e) noexcept {
  return e.kind != event_kind::single_instance || !e.pattern.pattern_type.empty();
}

} // namespace

// -- rule_decision -------------------------------------------------------------------------------

verdict rule_decision::to_verdict() const {
  verdict out;
  write_to(out);
  return out;
}

void rule_decision::write_to(verdict& out) const {
  out.action = action;
  if (decided_by != nullptr) {
    out.rule_id.assign(decided_by->id);
    out.rule_version = decided_by->version;
  } else {
    out.rule_id.clear();
    out.rule_version = 0;
  }
}

// -- impl ----------------------------------------------------------------------------------------

struct compiled_rule_set::impl {
  std::vector<rule> rules;  ///< precedence order
  std::vector<compiled_rule> compiled;
  std::vector<flat_node> nodes;
  std::vector<uint32_t> child_nodes;
  std::vector<std::string> leaf_paths;

  string_table values;  ///< folded value (address, domain, keyword, name, pattern) -> value id
  bool uses[static_cast<size_t>(fact_code::count_)] = {};

  keyword_automaton subject_keywords;
  keyword_automaton body_keywords;
  std::vector<std::pair<std::string, uint32_t>> subject_keyword_list;
  std::vector<std::pair<std::string, uint32_t>> body_keyword_list;

  std::unique_ptr<RE2::Set> regex_set;
  std::vector<std::unique_ptr<RE2>> regexes;  ///< same indices as regex_set (fallback path)
  std::vector<uint32_t> regex_value;          ///< regex index -> value id of its pattern

  kind_index email_index;
  kind_index event_index;

  // -- compilation --

  uint32_t intern(const std::string& text) {
    return values.insert(text);
  }

  void use(fact_code code) {
    uses[static_cast<size_t>(code)] = true;
  }

  status add_regex(const std::string& pattern, uint32_t value) {
    if (std::find(regex_value.begin(), regex_value.end(), value) != regex_value.end())
      return status::ok();
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok())
      return status::invalid_argument("invalid regex: " + re->error());
    regexes.push_back(std::move(re));
    regex_value.push_back(value);
    return status::ok();
  }

  status register_leaf(const predicate_node& n, uint32_t leaf, compiled_rule& cr) {
    auto add = [&](fact_code code, uint32_t value) {
      use(code);
      cr.leaf_facts.emplace_back(fact_key(code, value), leaf);
    };
    auto each = [&](auto&& f) {
      for (const auto& v : n.values)
        f(intern(v), v);
    };
    switch (n.field) {
      case predicate_field::sender_address:
        each([&](uint32_t id, const std::string&) { add(fact_code::sender_address, id); });
        break;
      case predicate_field::recipient_address:
        each([&](uint32_t id, const std::string&) { add(fact_code::recipient_address, id); });
        break;
      case predicate_field::participant_address:
        each([&](uint32_t id, const std::string&) {
          add(fact_code::sender_address, id);
          add(fact_code::recipient_address, id);
        });
        break;
      case predicate_field::sender_domain:
        each([&](uint32_t id, const std::string&) { add(fact_code::sender_domain, id); });
        break;
      case predicate_field::recipient_domain:
        each([&](uint32_t id, const std::string&) { add(fact_code::recipient_domain, id); });
        break;
      case predicate_field::participant_domain:
        each([&](uint32_t id, const std::string&) {
          add(fact_code::sender_domain, id);
          add(fact_code::recipient_domain, id);
        });
        break;
      case predicate_field::subject_contains:
        each([&](uint32_t id, const std::string& v) {
          subject_keyword_list.emplace_back(v, id);
          add(fact_code::subject_keyword, id);
        });
        break;
      case predicate_field::body_contains:
        each([&](uint32_t id, const std::string& v) {
          body_keyword_list.emplace_back(v, id);
          add(fact_code::body_keyword, id);
        });
        break;
      case predicate_field::subject_regex:
        for (const auto& pattern : n.values) {
          auto id = intern(pattern);
          if (auto st = add_regex(pattern, id); !st)
            return st;
          add(fact_code::subject_regex, id);
        }
        break;
      case predicate_field::category:
        each([&](uint32_t id, const std::string&) { add(fact_code::category, id); });
        break;
      case predicate_field::sensitivity:
        each([&](uint32_t id, const std::string&) { add(fact_code::sensitivity, id); });
        break;
      case predicate_field::importance:
        each([&](uint32_t id, const std::string&) { add(fact_code::importance, id); });
        break;
      case predicate_field::folder:
        each([&](uint32_t id, const std::string&) { add(fact_code::folder, id); });
        break;
      case predicate_field::show_as:
        each([&](uint32_t id, const std::string&) { add(fact_code::show_as, id); });
        break;
      case predicate_field::internal_only:
        add(fact_code::internal_only, n.flag ? 1 : 0);
        break;
      case predicate_field::recurring:
        add(fact_code::recurring, n.flag ? 1 : 0);
        break;
    }
    return status::ok();
  }

  expected<uint32_t> flatten(const predicate_node& n, compiled_rule& cr) {
    auto index = static_cast<uint32_t>(nodes.size());
    nodes.push_back({n.op, 0, 0});
    switch (n.op) {
      case predicate_op::leaf: {
        auto leaf = static_cast<uint32_t>(leaf_paths.size());
        leaf_paths.push_back(n.path);
        cr.leaves.push_back(leaf);
        nodes[index].arg = leaf;
        if (auto st = register_leaf(n, leaf, cr); !st)
          return status::invalid_argument(n.path + ": " + st.message());
        break;
      }
      case predicate_op::negate: {
        auto child = flatten(n.children.front(), cr);
        if (!child)
          return child;
        nodes[index].arg = *child;
        break;
      }
      case predicate_op::all:
      case predicate_op::any: {
        std::vector<uint32_t> kids;
        for (const auto& c : n.children) {
          auto child = flatten(c, cr);
          if (!child)
            return child;
          kids.push_back(*child);
        }
        nodes[index].arg = static_cast<uint32_t>(child_nodes.size());
        nodes[index].count = static_cast<uint32_t>(kids.size());
        child_nodes.insert(child_nodes.end(), kids.begin(), kids.end());
        break;
      }
    }
    return index;
  }

  bucket& bucket_for(kind_index& idx, const rule& r, const compiled_rule& cr) {
    auto at = [](string_table& ids, std::vector<bucket>& buckets, const std::string& key) -> bucket& {
      auto i = ids.insert(key);
      if (i == buckets.size())
        buckets.emplace_back();
      return buckets[i];
    };
    switch (r.level) {
      case rule_level::user: return at(idx.user_ids, idx.users, cr.bucket_key);
      case rule_level::tenant: return at(idx.tenant_ids, idx.tenants, cr.bucket_key);
      case rule_level::org: break;
    }
    return idx.org;
  }

  void build_indexes() {
    struct entry {
      uint64_t fact;
      uint32_t leaf;
      uint32_t position;
    };
    // Buckets live in vectors that grow while rules are added: collect the postings by rule
    // first, and resolve bucket addresses only once every bucket exists.
    struct placed {
      rule_target kind;
      uint32_t rule;
      uint32_t position;
    };
    std::vector<placed> placements;
    for (uint32_t i = 0; i < rules.size(); ++i) {
      const auto& r = rules[i];
      if (!r.enabled)
        continue;
      for (auto kind : {rule_target::email, rule_target::event}) {
        if (!covers(r.applies_to, kind))
          continue;
        auto& b = bucket_for(kind == rule_target::email ? email_index : event_index, r,
                             compiled[i]);
        auto position = static_cast<uint32_t>(b.order.size());
        b.order.push_back(i);
        if (!compiled[i].anchored)
          b.always.push_back(position);
        placements.push_back({kind, i, position});
      }
    }
    std::unordered_map<bucket*, std::vector<entry>> pending;
    for (const auto& pl : placements) {
      auto& b = bucket_for(pl.kind == rule_target::email ? email_index : event_index,
                           rules[pl.rule], compiled[pl.rule]);
      auto& list = pending[&b];
      for (const auto& [fact, leaf] : compiled[pl.rule].leaf_facts)
        list.push_back({fact, leaf, pl.position});
    }
    for (auto& [b, list] : pending) {
      std::sort(list.begin(), list.end(), [](const entry& x, const entry& y) {
        return x.fact != y.fact ? x.fact < y.fact : x.position < y.position;
      });
      std::vector<std::pair<uint64_t, fact_table::range>> table;
      for (size_t i = 0; i < list.size(); ++i) {
        if (i == 0 || list[i].fact != list[i - 1].fact)
          table.push_back({list[i].fact, {static_cast<uint32_t>(b->postings.size()), 0}});
        b->postings.push_back({list[i].leaf, list[i].position});
        table.back().second.end = static_cast<uint32_t>(b->postings.size());
      }
      b->facts.build(table);
    }
  }

  status build_matchers() {
    // A keyword named by several leaves is one pattern (same value id).
    for (auto* list : {&subject_keyword_list, &body_keyword_list}) {
      std::sort(list->begin(), list->end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
      list->erase(std::unique(list->begin(), list->end(),
                              [](const auto& a, const auto& b) { return a.second == b.second; }),
                  list->end());
    }
    subject_keywords.build(subject_keyword_list);
    body_keywords.build(body_keyword_list);
    subject_keyword_list.clear();
    body_keyword_list.clear();
    if (regexes.empty())
      return status::ok();
    RE2::Options options;
    options.set_log_errors(false);
    regex_set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    for (const auto& re : regexes) {
      std::string error;
      if (regex_set->Add(re->pattern(), &error) < 0)
        return status::invalid_argument("invalid regex: " + error);
    }
    if (!regex_set->Compile())
      regex_set.reset();  // too big for a set: every regex is then matched on its own
    return status::ok();
  }

  // -- evaluation --

  template <class LeafTrue>
  bool eval(uint32_t n, const LeafTrue& leaf_true) const noexcept {
    const auto& node = nodes[n];
    switch (node.op) {
      case predicate_op::leaf: return leaf_true(node.arg);
      case predicate_op::negate: return !eval(node.arg, leaf_true);
      case predicate_op::all:
        for (uint32_t i = 0; i < node.count; ++i)
          if (!eval(child_nodes[node.arg + i], leaf_true))
            return false;
        return true;
      case predicate_op::any:
        for (uint32_t i = 0; i < node.count; ++i)
          if (eval(child_nodes[node.arg + i], leaf_true))
            return true;
        return false;
    }
    return false;
  }

  bool uses_code(fact_code code) const noexcept {
    return uses[static_cast<size_t>(code)];
  }

  void add_value_fact(fact_code code, const std::string& raw, scratch& s) const {
    if (raw.empty() || !uses_code(code))
      return;
    fold_into(raw, s.folded);
    auto id = values.find(s.folded);
    if (id != string_table::npos)
      s.facts.push_back(fact_key(code, id));
  }

  struct participants_seen {
    bool any = false;
    bool all_internal = true;
  };

  void add_participant(const std::string& address, bool sender, const item_context& ctx,
                       participants_seen& seen, scratch& s) const {
    if (address.empty())
      return;
    seen.any = true;
    fold_into(address, s.folded);
    std::string_view a = s.folded;
    auto d = domain_of(a);
    if (seen.all_internal && !is_internal(d, ctx))
      seen.all_internal = false;
    auto address_code = sender ? fact_code::sender_address : fact_code::recipient_address;
    auto domain_code = sender ? fact_code::sender_domain : fact_code::recipient_domain;
    if (uses_code(address_code)) {
      auto id = values.find(a);
      if (id != string_table::npos)
        s.facts.push_back(fact_key(address_code, id));
    }
    if (!d.empty() && uses_code(domain_code)) {
      auto id = values.find(d);
      if (id != string_table::npos)
        s.facts.push_back(fact_key(domain_code, id));
    }
  }

  void add_text_facts(const std::string& subject, const std::string& body, scratch& s) const {
    subject_keywords.scan(subject, [&](uint32_t id) {
      s.facts.push_back(fact_key(fact_code::subject_keyword, id));
    });
    body_keywords.scan(body, [&](uint32_t id) {
      s.facts.push_back(fact_key(fact_code::body_keyword, id));
    });
    if (regexes.empty())
      return;
    if (regex_set) {
      // Asking "does any regex match" first keeps the common no-hit case allocation-free:
      // RE2::Set::Match allocates its hit set when asked which patterns matched.
      RE2::Set::ErrorInfo info{RE2::Set::kNoError};
      if (!regex_set->Match(subject, nullptr, &info) && info.kind == RE2::Set::kNoError)
        return;
      s.regex_hits.clear();
      info.kind = RE2::Set::kNoError;
      bool hit = regex_set->Match(subject, &s.regex_hits, &info);
      if (hit || info.kind == RE2::Set::kNoError) {
        for (int h : s.regex_hits)
          s.facts.push_back(fact_key(fact_code::subject_regex, regex_value[h]));
        return;
      }
    }
    for (size_t i = 0; i < regexes.size(); ++i)
      if (RE2::PartialMatch(subject, *regexes[i]))
        s.facts.push_back(fact_key(fact_code::subject_regex, regex_value[i]));
  }

  void finish_facts(const participants_seen& seen, scratch& s) const {
    if (uses_code(fact_code::internal_only))
      s.facts.push_back(fact_key(fact_code::internal_only, seen.any && seen.all_internal));
    std::sort(s.facts.begin(), s.facts.end());
    s.facts.erase(std::unique(s.facts.begin(), s.facts.end()), s.facts.end());
  }

  void collect_facts(const email& m, const item_context& ctx, scratch& s) const {
    s.facts.clear();
    participants_seen seen;
    add_participant(m.from.address, true, ctx, seen, s);
    for (const auto* list : {&m.to, &m.cc, &m.bcc})
      for (const auto& p : *list)
        add_participant(p.address, false, ctx, seen, s);
    add_text_facts(m.subject, m.body_preview, s);
    for (const auto& c : m.categories)
      add_value_fact(fact_code::category, c, s);
    add_value_fact(fact_code::importance, m.importance, s);
    add_value_fact(fact_code::folder, m.folder, s);
    finish_facts(seen, s);
  }

  void collect_facts(const event& e, const item_context& ctx, scratch& s) const {
    s.facts.clear();
    participants_seen seen;
    add_participant(e.organizer.address, true, ctx, seen, s);
    for (const auto& a : e.attendees)
      add_participant(a.who.address, false, ctx, seen, s);
    add_text_facts(e.subject, e.body_preview, s);
    for (const auto& c : e.categories)
      add_value_fact(fact_code::category, c, s);
    add_value_fact(fact_code::importance, e.importance, s);
    add_value_fact(fact_code::sensitivity, e.sensitivity, s);
    add_value_fact(fact_code::show_as, e.show_as, s);
    if (uses_code(fact_code::recurring))
      s.facts.push_back(fact_key(fact_code::recurring, is_recurring(e)));
    finish_facts(seen, s);
  }

  void prepare(scratch& s) const {
    if (s.leaf_true.size() < leaf_paths.size())
      s.leaf_true.resize(leaf_paths.size(), 0);
    clear_touched(s);
  }

  static void clear_touched(scratch& s) noexcept {
    for (auto leaf : s.touched)
      s.leaf_true[leaf] = 0;
    s.touched.clear();
  }

  /// Marks the bucket's true leaves; when `candidates` is set, also collects the positions of the
  /// rules that own them.
  void mark(const bucket& b, scratch& s, bool candidates) const {
    for (auto f : s.facts) {
      auto r = b.facts.find(f);
      for (auto i = r.begin; i < r.end; ++i) {
        const auto& p = b.postings[i];
        if (!s.leaf_true[p.leaf]) {
          s.leaf_true[p.leaf] = 1;
          s.touched.push_back(p.leaf);
        }
        if (candidates)
          s.candidates.push_back(p.position);
      }
    }
  }

  rule_decision decide_in(const bucket& b, const std::string& tenant, scratch& s) const {
    rule_decision result;
    if (b.order.empty())
      return result;
    s.candidates.clear();
    mark(b, s, true);
    s.candidates.insert(s.candidates.end(), b.always.begin(), b.always.end());
    if (!s.candidates.empty()) {
      std::sort(s.candidates.begin(), s.candidates.end());
      s.candidates.erase(std::unique(s.candidates.begin(), s.candidates.end()),
                         s.candidates.end());
      auto leaf_true = [&s](uint32_t leaf) { return s.leaf_true[leaf] != 0; };
      for (auto position : s.candidates) {
        auto index = b.order[position];
        const auto& cr = compiled[index];
        if (!cr.pinned_tenant.empty() && cr.pinned_tenant != tenant)
          continue;
        if (eval(cr.root, leaf_true)) {
          result.action = rules[index].action;
          result.decided_by = &rules[index];
          break;
        }
      }
    }
    clear_touched(s);
    return result;
  }

  template <class Item>
  rule_decision evaluate(const Item& item, const item_context& ctx,
                         const kind_index& idx) const {
    auto& s = thread_scratch();
    prepare(s);
    collect_facts(item, ctx, s);
    if (const auto* u = idx.user(item.user))
      if (auto d = decide_in(*u, item.tenant, s); d.decided_by != nullptr)
        return d;
    if (const auto* t = idx.tenant(item.tenant))
      if (auto d = decide_in(*t, item.tenant, s); d.decided_by != nullptr)
        return d;
    return decide_in(idx.org, item.tenant, s);
  }

  template <class Item>
  rule_explanation explain(const Item& item, const item_context& ctx, const kind_index& idx,
                           rule_target kind) const {
    auto& s = thread_scratch();
    prepare(s);
    collect_facts(item, ctx, s);
    if (const auto* u = idx.user(item.user))
      mark(*u, s, false);
    if (const auto* t = idx.tenant(item.tenant))
      mark(*t, s, false);
    mark(idx.org, s, false);
    auto leaf_true = [&s](uint32_t leaf) { return s.leaf_true[leaf] != 0; };

    rule_explanation out;
    out.item_kind = kind == rule_target::email ? "email" : "event";
    for (uint32_t i = 0; i < rules.size(); ++i) {
      const auto& r = rules[i];
      const auto& cr = compiled[i];
      bool mine = r.level == rule_level::org
                  || (r.level == rule_level::tenant && cr.bucket_key == item.tenant)
                  || (r.level == rule_level::user && cr.bucket_key == item.user);
      if (!mine)
        continue;
      tried_rule t;
      t.id = r.id;
      t.version = r.version;
      t.level = r.level;
      t.scope = r.scope;
      t.priority = r.priority;
      t.action = r.action;
      if (!r.enabled) {
        t.outcome = rule_outcome::disabled;
      } else if (!covers(r.applies_to, kind)) {
        t.outcome = rule_outcome::other_kind;
      } else if (!cr.pinned_tenant.empty() && cr.pinned_tenant != item.tenant) {
        t.outcome = rule_outcome::other_tenant;
      } else {
        for (auto leaf : cr.leaves)
          if (s.leaf_true[leaf])
            t.true_leaves.push_back(leaf_paths[leaf]);
        t.outcome = eval(cr.root, leaf_true) ? rule_outcome::matched : rule_outcome::not_matched;
      }
      bool decided = t.outcome == rule_outcome::matched;
      out.tried.push_back(std::move(t));
      if (decided) {
        out.decision = verdict{r.action, r.id, r.version};
        break;
      }
    }
    clear_touched(s);
    return out;
  }
};

// -- compiled_rule_set ---------------------------------------------------------------------------

compiled_rule_set::compiled_rule_set(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

compiled_rule_set::~compiled_rule_set() = default;

expected<std::shared_ptr<const compiled_rule_set>>
compiled_rule_set::compile(std::vector<rule> rules) {
  try {
    struct parsed {
      rule r;
      predicate_node tree;
      std::string bucket_key;
    };
    std::vector<parsed> all;
    all.reserve(rules.size());
    std::unordered_map<std::string_view, size_t> ids;
    for (auto& r : rules) {
      parsed p;
      auto prefix = "rule " + rules_impl::quoted(r.id) + ": ";
      if (auto st = check_rule_shape(r, &p.tree); !st)
        return status{st.code(), prefix + st.message()};
      if (r.level == rule_level::user)
        p.bucket_key = std::string(split_user_scope(r.scope).user);
      else if (r.level == rule_level::tenant)
        p.bucket_key = r.scope;
      p.r = std::move(r);
      all.push_back(std::move(p));
    }
    for (const auto& p : all)
      if (!ids.emplace(p.r.id, 0).second)
        return status::invalid_argument("rule " + rules_impl::quoted(p.r.id)
                                        + ": id: used by more than one rule");
    std::sort(all.begin(), all.end(), [](const parsed& a, const parsed& b) {
      if (a.r.level != b.r.level)
        return a.r.level < b.r.level;
      if (a.bucket_key != b.bucket_key)
        return a.bucket_key < b.bucket_key;
      if (a.r.priority != b.r.priority)
        return a.r.priority < b.r.priority;
      return a.r.id < b.r.id;
    });

    auto p = std::make_unique<impl>();
    p->rules.reserve(all.size());
    p->compiled.reserve(all.size());
    for (auto& x : all) {
      compiled_rule cr;
      cr.bucket_key = std::move(x.bucket_key);
      if (x.r.level == rule_level::user)
        cr.pinned_tenant = std::string(split_user_scope(x.r.scope).tenant);
      auto root = p->flatten(x.tree, cr);
      if (!root)
        return status{root.error().code(),
                      "rule " + rules_impl::quoted(x.r.id) + ": " + root.error().message()};
      cr.root = *root;
      cr.anchored = !p->eval(cr.root, [](uint32_t) { return false; });
      p->compiled.push_back(std::move(cr));
      p->rules.push_back(std::move(x.r));
    }
    if (auto st = p->build_matchers(); !st)
      return st;
    p->build_indexes();
    return std::shared_ptr<const compiled_rule_set>(new compiled_rule_set(std::move(p)));
  } catch (const std::exception& e) {
    return status::internal(std::string("compiling rules: ") + e.what());
  }
}

std::shared_ptr<const compiled_rule_set> compiled_rule_set::empty_set() {
  return std::shared_ptr<const compiled_rule_set>(
    new compiled_rule_set(std::make_unique<impl>()));
}

rule_decision compiled_rule_set::evaluate(const email& item,
                                          const item_context& ctx) const noexcept {
  return impl_->evaluate(item, ctx, impl_->email_index);
}

rule_decision compiled_rule_set::evaluate(const event& item,
                                          const item_context& ctx) const noexcept {
  return impl_->evaluate(item, ctx, impl_->event_index);
}

void compiled_rule_set::decide_page(std::vector<email>& items,
                                    const item_context& ctx) const noexcept {
  for (auto& item : items)
    evaluate(item, ctx).write_to(item.decided_by);
}

void compiled_rule_set::decide_page(std::vector<event>& items,
                                    const item_context& ctx) const noexcept {
  for (auto& item : items)
    evaluate(item, ctx).write_to(item.decided_by);
}

rule_explanation compiled_rule_set::explain(const email& item, const item_context& ctx) const {
  return impl_->explain(item, ctx, impl_->email_index, rule_target::email);
}

rule_explanation compiled_rule_set::explain(const event& item, const item_context& ctx) const {
  return impl_->explain(item, ctx, impl_->event_index, rule_target::event);
}

const std::vector<rule>& compiled_rule_set::rules() const noexcept {
  return impl_->rules;
}

} // namespace m365
