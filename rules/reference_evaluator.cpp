// The reference evaluator: precedence by sorting, matching by walking the JSON.
#include "rules/reference_evaluator.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <re2/re2.h>

#include "rules/predicate.hpp"

namespace m365 {

namespace {

namespace json = boost::json;

/// The fields rules look at, already lower-cased where comparisons ignore case.
struct item_fields {
  rule_target kind = rule_target::email;
  std::string tenant;
  std::string user;
  std::string sender;                   ///< empty when there is none
  std::vector<std::string> recipients;  ///< without empty addresses
  std::string subject;                  ///< as received (for regexes)
  std::string subject_lower;
  std::string body_lower;
  std::vector<std::string> categories;
  std::string importance;
  std::string folder;       ///< emails only
  std::string sensitivity;  ///< events only
  std::string show_as;      ///< events only
  bool recurring = false;   ///< events only
  bool internal = false;
};

std::string lower(const std::string& s) {
  std::string out = s;
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string domain(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}

bool contains(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

void finish_participants(item_fields& f, const item_context& ctx) {
  std::vector<std::string> everyone = f.recipients;
  if (!f.sender.empty())
    everyone.push_back(f.sender);
  f.internal = !everyone.empty();
  for (const auto& p : everyone) {
    bool inside = false;
    if (ctx.internal_domains != nullptr)
      for (const auto& d : *ctx.internal_domains)
        inside = inside || (!domain(p).empty() && lower(d) == domain(p));
    f.internal = f.internal && inside;
  }
}

item_fields fields_of(const email& m, const item_context& ctx) {
  item_fields f;
  f.kind = rule_target::email;
  f.tenant = m.tenant;
  f.user = m.user;
  f.sender = lower(m.from.address);
  for (const auto* list : {&m.to, &m.cc, &m.bcc})
    for (const auto& p : *list)
      if (!p.address.empty())
        f.recipients.push_back(lower(p.address));
  f.subject = m.subject;
  f.subject_lower = lower(m.subject);
  f.body_lower = lower(m.body_preview);
  for (const auto& c : m.categories)
    f.categories.push_back(lower(c));
  f.importance = lower(m.importance);
  f.folder = lower(m.folder);
  finish_participants(f, ctx);
  return f;
}

item_fields fields_of(const event& e, const item_context& ctx) {
  item_fields f;
  f.kind = rule_target::event;
  f.tenant = e.tenant;
  f.user = e.user;
  f.sender = lower(e.organizer.address);
  for (const auto& a : e.attendees)
    if (!a.who.address.empty())
      f.recipients.push_back(lower(a.who.address));
  f.subject = e.subject;
  f.subject_lower = lower(e.subject);
  f.body_lower = lower(e.body_preview);
  for (const auto& c : e.categories)
    f.categories.push_back(lower(c));
  f.importance = lower(e.importance);
  f.sensitivity = lower(e.sensitivity);
  f.show_as = lower(e.show_as);
  f.recurring = e.kind != event_kind::single_instance || !e.pattern.pattern_type.empty();
  finish_participants(f, ctx);
  return f;
}

/// A leaf's value as a list of strings (a single string is a list of one).
std::vector<std::string> strings_of(const json::value& v, bool fold) {
  std::vector<std::string> out;
  auto add = [&](const json::value& x) {
    if (x.is_string()) {
      std::string s(x.get_string().data(), x.get_string().size());
      out.push_back(fold ? lower(s) : s);
    }
  };
  if (v.is_array())
    for (const auto& x : v.get_array())
      add(x);
  else
    add(v);
  return out;
}

bool any_in(const std::vector<std::string>& wanted, const std::vector<std::string>& have) {
  for (const auto& h : have)
    if (contains(wanted, h))
      return true;
  return false;
}

bool matches(const json::object& node, const item_fields& f);

bool matches_key(const std::string& key, const json::value& value, const item_fields& f) {
  if (key == "all") {
    for (const auto& child : value.get_array())
      if (!matches(child.get_object(), f))
        return false;
    return true;
  }
  if (key == "any") {
    for (const auto& child : value.get_array())
      if (matches(child.get_object(), f))
        return true;
    return false;
  }
  if (key == "not")
    return !matches(value.get_object(), f);

  const bool is_event = f.kind == rule_target::event;
  if (key == "internal_only")
    return f.internal == value.get_bool();
  if (key == "recurring")
    return is_event && f.recurring == value.get_bool();

  std::vector<std::string> senders;
  if (!f.sender.empty())
    senders.push_back(f.sender);
  std::vector<std::string> participants = f.recipients;
  participants.insert(participants.end(), senders.begin(), senders.end());
  auto domains = [](const std::vector<std::string>& addresses) {
    std::vector<std::string> out;
    for (const auto& a : addresses)
      if (!domain(a).empty())
        out.push_back(domain(a));
    return out;
  };

  if (key == "subject_regex") {
    RE2::Options options;
    options.set_log_errors(false);
    for (const auto& pattern : strings_of(value, false)) {
      RE2 re(pattern, options);
      if (re.ok() && RE2::PartialMatch(f.subject, re))
        return true;
    }
    return false;
  }

  auto wanted = strings_of(value, true);
  if (key == "sender_address")
    return any_in(wanted, senders);
  if (key == "sender_domain")
    return any_in(wanted, domains(senders));
  if (key == "recipient_address")
    return any_in(wanted, f.recipients);
  if (key == "recipient_domain")
    return any_in(wanted, domains(f.recipients));
  if (key == "participant_address")
    return any_in(wanted, participants);
  if (key == "participant_domain")
    return any_in(wanted, domains(participants));
  if (key == "subject_contains" || key == "body_contains") {
    const auto& text = key == "subject_contains" ? f.subject_lower : f.body_lower;
    for (const auto& w : wanted)
      if (text.find(w) != std::string::npos)
        return true;
    return false;
  }
  if (key == "category")
    return any_in(wanted, f.categories);
  if (key == "importance")
    return !f.importance.empty() && contains(wanted, f.importance);
  if (key == "folder")
    return !is_event && !f.folder.empty() && contains(wanted, f.folder);
  if (key == "sensitivity")
    return is_event && !f.sensitivity.empty() && contains(wanted, f.sensitivity);
  if (key == "show_as")
    return is_event && !f.show_as.empty() && contains(wanted, f.show_as);
  return false;
}

bool matches(const json::object& node, const item_fields& f) {
  for (const auto& kv : node)
    if (!matches_key(std::string(kv.key()), kv.value(), f))
      return false;
  return true;
}

bool applies(const rule& r, const item_fields& f) {
  if (!r.enabled)
    return false;
  if ((static_cast<uint8_t>(r.applies_to) & static_cast<uint8_t>(f.kind)) == 0)
    return false;
  switch (r.level) {
    case rule_level::user: return r.scope == f.user || r.scope == f.tenant + "/" + f.user;
    case rule_level::tenant: return r.scope == f.tenant;
    case rule_level::org: return true;
  }
  return false;
}

verdict decide(const std::vector<rule>& rules, const item_fields& f) {
  std::vector<const rule*> tried;
  for (const auto& r : rules)
    if (applies(r, f))
      tried.push_back(&r);
  std::sort(tried.begin(), tried.end(), [](const rule* a, const rule* b) {
    if (a->level != b->level)
      return a->level < b->level;  // user, then tenant, then org
    if (a->priority != b->priority)
      return a->priority < b->priority;
    return a->id < b->id;
  });
  for (const auto* r : tried) {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = json_depth_limit;
    auto tree = json::parse(r->match, ec, {}, options);
    if (ec || !tree.is_object())
      continue;
    bool hit = false;
    try {
      hit = matches(tree.get_object(), f);
    } catch (const std::exception&) {
      hit = false;  // a malformed tree (wrong types) never matches
    }
    if (hit)
      return verdict{r->action, r->id, r->version};
  }
  return verdict{};
}

} // namespace

reference_evaluator::reference_evaluator(std::vector<rule> rules) : rules_(std::move(rules)) {}

verdict reference_evaluator::evaluate(const email& item, const item_context& ctx) const {
  return decide(rules_, fields_of(item, ctx));
}

verdict reference_evaluator::evaluate(const event& item, const item_context& ctx) const {
  return decide(rules_, fields_of(item, ctx));
}

} // namespace m365
