#include "sim/fault_profile.hpp"

#include <boost/json.hpp>

#include "sim/json_text.hpp"
#include "sim/seed_hash.hpp"

namespace m365::sim {

const char* to_string(fault_decision::kind k) noexcept {
  using K = fault_decision::kind;
  switch (k) {
    case K::none: return "none";
    case K::throttle: return "throttle";
    case K::throttle_no_retry_after: return "throttle_no_retry_after";
    case K::http_500: return "http_500";
    case K::http_502: return "http_502";
    case K::http_503: return "http_503";
    case K::http_504: return "http_504";
    case K::reset: return "reset";
    case K::truncate: return "truncate";
  }
  return "?";
}

namespace {

m365::status bad(const std::string& key, const std::string& why) {
  return m365::status::invalid_argument("fault profile: '" + key + "' " + why);
}

} // namespace

m365::expected<fault_profile> fault_profile::parse(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.allow_comments = true;
  opts.allow_trailing_commas = true;
  auto v = boost::json::parse(text, ec, {}, opts);
  if (ec)
    return m365::status::invalid_argument("fault profile: not JSON: " + ec.message());
  if (!v.is_object())
    return m365::status::invalid_argument("fault profile: must be a JSON object");
  fault_profile p;
  for (auto& kv : v.as_object()) {
    std::string key(kv.key());
    const auto& val = kv.value();
    auto prob = [&](double& out) -> m365::status {
      if (!val.is_number())
        return bad(key, "must be a number");
      double d = val.to_number<double>();
      if (d < 0 || d > 1)
        return bad(key, "must be between 0 and 1");
      out = d;
      return {};
    };
    auto names = [&](std::set<std::string>& out) -> m365::status {
      if (!val.is_array())
        return bad(key, "must be an array of tenant slugs");
      for (auto& s : val.as_array()) {
        if (!s.is_string())
          return bad(key, "must be an array of tenant slugs");
        out.insert(std::string(s.as_string()));
      }
      return {};
    };
    m365::status st;
    if (key == "seed") {
      if (!val.is_number())
        return bad(key, "must be a number");
      p.seed = val.to_number<uint64_t>();
      p.has_seed = true;
    } else if (key == "throttle_429") st = prob(p.throttle_429);
    else if (key == "throttle_429_no_retry_after") st = prob(p.throttle_429_no_retry_after);
    else if (key == "http_500") st = prob(p.http_500);
    else if (key == "http_502") st = prob(p.http_502);
    else if (key == "http_503") st = prob(p.http_503);
    else if (key == "http_504") st = prob(p.http_504);
    else if (key == "reset_mid_body") st = prob(p.reset_mid_body);
    else if (key == "truncated_body") st = prob(p.truncated_body);
    else if (key == "sync_state_not_found") st = prob(p.sync_state_not_found);
    else if (key == "replay_items") st = prob(p.replay_items);
    else if (key == "retry_after_seconds") {
      if (!val.is_array() || val.as_array().empty())
        return bad(key, "must be a non-empty array of numbers");
      p.retry_after_seconds.clear();
      for (auto& x : val.as_array()) {
        if (!x.is_number() || x.to_number<double>() < 0)
          return bad(key, "must be a non-empty array of non-negative numbers");
        p.retry_after_seconds.push_back(x.to_number<double>());
      }
    } else if (key == "latency") {
      if (!val.is_object())
        return bad(key, "must be an object {probability, min_ms, max_ms}");
      auto& o = val.as_object();
      if (auto* x = o.if_contains("probability")) {
        if (!x->is_number() || x->to_number<double>() < 0 || x->to_number<double>() > 1)
          return bad("latency.probability", "must be between 0 and 1");
        p.latency_probability = x->to_number<double>();
      }
      if (auto* x = o.if_contains("min_ms")) {
        if (!x->is_number() || x->to_number<double>() < 0)
          return bad("latency.min_ms", "must be a non-negative number");
        p.latency_min_ms = x->to_number<uint32_t>();
      }
      if (auto* x = o.if_contains("max_ms")) {
        if (!x->is_number() || x->to_number<double>() < 0)
          return bad("latency.max_ms", "must be a non-negative number");
        p.latency_max_ms = x->to_number<uint32_t>();
      }
      if (p.latency_max_ms < p.latency_min_ms)
        p.latency_max_ms = p.latency_min_ms;
    } else if (key == "token_lifetime_s") {
      if (!val.is_number() || val.to_number<double>() < 1)
        return bad(key, "must be a number of seconds >= 1");
      p.token_lifetime_s = val.to_number<int64_t>();
    } else if (key == "revoked_secret_tenants") st = names(p.revoked_secret_tenants);
    else if (key == "expired_secret_tenants") st = names(p.expired_secret_tenants);
    else if (key == "outage_tenants") st = names(p.outage_tenants);
    else if (key == "doc_quirks") {
      if (!val.is_bool())
        return bad(key, "must be true or false");
      p.doc_quirks = val.as_bool();
    } else {
      return bad(key, "is not a known key");
    }
    if (!st)
      return st;
  }
  double total = p.throttle_429 + p.throttle_429_no_retry_after + p.http_500 + p.http_502 + p.http_503 +
                 p.http_504 + p.reset_mid_body + p.truncated_body;
  if (total > 1.0 + 1e-9)
    return m365::status::invalid_argument("fault profile: the exclusive fault probabilities add up to more than 1");
  return p;
}

std::string fault_profile::to_json() const {
  boost::json::object o;
  if (has_seed)
    o["seed"] = seed;
  o["throttle_429"] = throttle_429;
  o["throttle_429_no_retry_after"] = throttle_429_no_retry_after;
  boost::json::array ra;
  for (double d : retry_after_seconds)
    ra.push_back(d);
  o["retry_after_seconds"] = ra;
  o["http_500"] = http_500;
  o["http_502"] = http_502;
  o["http_503"] = http_503;
  o["http_504"] = http_504;
  o["reset_mid_body"] = reset_mid_body;
  o["truncated_body"] = truncated_body;
  o["latency"] = {{"probability", latency_probability}, {"min_ms", latency_min_ms}, {"max_ms", latency_max_ms}};
  o["sync_state_not_found"] = sync_state_not_found;
  o["replay_items"] = replay_items;
  o["token_lifetime_s"] = token_lifetime_s;
  auto arr = [](const std::set<std::string>& s) {
    boost::json::array a;
    for (auto& x : s)
      a.push_back(boost::json::string(x));
    return a;
  };
  o["revoked_secret_tenants"] = arr(revoked_secret_tenants);
  o["expired_secret_tenants"] = arr(expired_secret_tenants);
  o["outage_tenants"] = arr(outage_tenants);
  o["doc_quirks"] = doc_quirks;
  return boost::json::serialize(o);
}

fault_decision fault_profile::decide(uint64_t server_seed, uint64_t mailbox, uint64_t n, bool has_link) const {
  uint64_t s = has_seed ? seed : server_seed;
  seeded_stream rng(hash_of({s, 0xFA017, mailbox, n}));
  fault_decision d;
  double u = rng.unit();
  using K = fault_decision::kind;
  const std::pair<double, K> table[] = {
    {throttle_429, K::throttle}, {throttle_429_no_retry_after, K::throttle_no_retry_after},
    {http_500, K::http_500}, {http_502, K::http_502}, {http_503, K::http_503}, {http_504, K::http_504},
    {reset_mid_body, K::reset}, {truncated_body, K::truncate}};
  double acc = 0;
  for (auto& [p, k] : table) {
    acc += p;
    if (u < acc) {
      d.what = k;
      break;
    }
  }
  d.retry_after_s = retry_after_seconds[rng.below(retry_after_seconds.size())];
  if (rng.unit() < latency_probability)
    d.latency_ms = latency_min_ms + static_cast<uint32_t>(rng.below(latency_max_ms - latency_min_ms + 1));
  d.sync_state_not_found = has_link && rng.unit() < sync_state_not_found;
  d.replay = rng.unit() < replay_items;
  return d;
}

} // namespace m365::sim
