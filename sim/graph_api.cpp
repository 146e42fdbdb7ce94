#include "sim/graph_api.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdio>

#include "sim/calendar_routes.hpp"
#include "sim/graph_error.hpp"
#include "sim/graph_request.hpp"
#include "sim/json_text.hpp"
#include "sim/mail_routes.hpp"

namespace m365::sim {

namespace http = boost::beast::http;

namespace {

constexpr size_t max_batch_items = 20;

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  std::string t = buf;
  while (!t.empty() && t.back() == '0')
    t.pop_back();
  if (!t.empty() && t.back() == '.')
    t.pop_back();
  return t.empty() ? "0" : t;
}

sim_response throttled(double retry_after_s, bool with_header,
                       std::string_view message = "Application is over its MailboxConcurrency limit.") {
  sim_response r;
  r.status = 429;
  r.content_type = "application/json";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.body = graph_throttled_body("ApplicationThrottled", message);
  if (with_header)
    r.headers.emplace_back("Retry-After", seconds_text(retry_after_s));
  return r;
}

void write_user(std::string& out, const user_info& ui) {
  out.push_back('{');
  json::append_member(out, "id", ui.id);
  out.push_back(',');
  json::append_member(out, "displayName", ui.display_name);
  out.push_back(',');
  json::append_member(out, "userPrincipalName", ui.upn);
  out.push_back(',');
  json::append_member(out, "mail", ui.upn);
  out.append(",\"businessPhones\":[],\"givenName\":");
  json::append_string(out, ui.display_name.substr(0, ui.display_name.find(' ')));
  out.append(",\"surname\":");
  json::append_string(out, ui.display_name.substr(ui.display_name.find(' ') + 1));
  out.append(",\"jobTitle\":null,\"mobilePhone\":null,\"officeLocation\":null,\"preferredLanguage\":\"en-US\"}");
}

sim_response users_list(world& w, const tenant_info& t) {
  sim_response r;
  r.body = "{\"@odata.context\":\"" + w.graph_url() + "/$metadata#users\",\"value\":[";
  for (uint32_t u = 0; u < t.user_count; ++u) {
    if (u)
      r.body.push_back(',');
    write_user(r.body, w.data().users()[t.first_user + u]);
  }
  r.body += "]}";
  finish_response(r, nullptr);
  return r;
}

sim_response user_get(world& w, const user_info& ui) {
  sim_response r;
  std::string obj;
  write_user(obj, ui);
  r.body = "{\"@odata.context\":\"" + w.graph_url() + "/$metadata#users/$entity\"," + obj.substr(1);
  finish_response(r, nullptr);
  return r;
}

/// The graph_call for a Beast request.
graph_call call_of(const http_request& req) {
  graph_call c;
  c.method = std::string(req.method_string());
  c.target = std::string(req.target());
  c.authorization = std::string(req[http::field::authorization]);
  auto [first, last] = req.equal_range(http::field::prefer);
  for (auto it = first; it != last; ++it) {
    if (!c.prefer.empty())
      c.prefer += ",";
    c.prefer += std::string(it->value());
  }
  c.if_match = std::string(req[http::field::if_match]);
  c.body = req.body();
  return c;
}

} // namespace

sim_response graph_api::handle(const http_request& req) {
  graph_call c = call_of(req);
  sim_response r;
  std::string_view path = std::string_view(c.target).substr(0, c.target.find('?'));
  if (iequals(path, "/v1.0/$batch"))
    r = batch(c);
  else
    r = execute(c, false);
  return r;
}

sim_response graph_api::execute(const graph_call& c, bool in_batch) {
  auto parsed = boost::urls::parse_origin_form(c.target);
  if (!parsed)
    return graph_error_response(400, "BadRequest", "Invalid request URL.");
  boost::urls::url_view url = *parsed;
  std::vector<std::string> segs;
  for (auto seg : url.segments())
    segs.emplace_back(seg);
  if (segs.empty() || segs[0] != "v1.0")
    return graph_error_response(404, "UnknownError", "Resource not found for the segment.");

  // -- authentication --
  access_claims claims;
  token_check check = world_.id_platform().validate(c.authorization, claims);
  if (check != token_check::ok) {
    const char* msg = check == token_check::missing ? "Access token is empty."
                    : check == token_check::expired ? "Lifetime validation failed, the token is expired."
                    : check == token_check::bad_signature ? "Access token validation failure. Invalid signature."
                                                          : "IDX14100: JWT is not well formed.";
    sim_response r = graph_error_response(401, "InvalidAuthenticationToken", msg);
    r.headers.emplace_back("WWW-Authenticate",
                           "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"");
    world_.stats().request("", "", 401);
    return r;
  }
  const tenant_info* tenant = world_.data().find_tenant(claims.tid);
  if (!tenant) {
    world_.stats().request("", "", 401);
    return graph_error_response(401, "InvalidAuthenticationToken", "Access token validation failure. Unknown tenant.");
  }
  if (world_.revocations().refuses(tenant->index, claims.serial, world_.id_platform())) {
    world_.stats().request(tenant->slug, "", 401);
    return graph_error_response(401, "InvalidAuthenticationToken",
                                "Access token validation failure. The token has been revoked.");
  }
  auto faults = world_.faults();
  if (faults->outage_tenants.count(tenant->slug)) {
    world_.stats().fault("outage");
    world_.stats().request(tenant->slug, "", 503);
    sim_response r = graph_error_response(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.");
    r.headers.emplace_back("Retry-After", seconds_text(faults->retry_after_seconds.front()));
    return r;
  }
  query_params query = parse_query(url);
  preferences prefs = parse_prefer(c.prefer);
  if (segs.size() >= 2 && iequals(segs[1], "me")) {
    world_.stats().request(tenant->slug, "", 400);
    return graph_error_response(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  if (segs.size() < 2 || !iequals(segs[1], "users")) {
    world_.stats().request(tenant->slug, "", 400);
    return graph_error_response(400, "BadRequest", "Resource not found for the segment '" + (segs.size() > 1 ? segs[1] : std::string()) + "'.");
  }
  if (segs.size() == 2) {
    world_.stats().request(tenant->slug, "", 200);
    return users_list(world_, *tenant);
  }
  const user_info* user = world_.data().find_user(segs[2]);
  if (user && user->tenant != tenant->index) {
    // A token of tenant A used on tenant B's mailbox.
    world_.stats().wrong_tenant_token(tenant->slug);
    world_.stats().request(tenant->slug, user->upn, 401);
    return graph_error_response(401, "InvalidAuthenticationToken", "Access token validation failure. The token's tenant does not own the requested mailbox.");
  }
  if (!user) {
    world_.stats().request(tenant->slug, "", 404);
    return graph_error_response(404, "ErrorInvalidUser", "The requested user '" + segs[2] + "' is invalid.");
  }

  // -- throttling and faults, per (app, mailbox) --
  throttle::admission adm = world_.limits().admit(claims.appid, user->upn);
  world_.stats().concurrency(user->upn, adm.attempted_concurrency);
  if (adm.early)
    world_.stats().early_request(user->upn);
  if (!adm.allowed) {
    world_.stats().request(tenant->slug, user->upn, 429);
    return throttled(adm.retry_after_s, true,
                     adm.concurrency_limited ? "Application is over its MailboxConcurrency limit."
                                             : "Application is over its MailboxRequests limit.");
  }
  std::string appid = claims.appid;
  std::string upn = user->upn;
  world& w = world_;
  std::shared_ptr<void> slot(nullptr, [&w, appid, upn](void*) { w.limits().release(appid, upn); });

  mailbox& mb = world_.mailbox_of(user->index);
  bool has_link = !query.skiptoken.empty() || !query.deltatoken.empty();
  fault_decision fault = faults->decide(world_.options().seed, user->index, mb.requests.fetch_add(1), has_link);
  if (in_batch && (fault.what == fault_decision::kind::reset || fault.what == fault_decision::kind::truncate))
    fault.what = fault_decision::kind::none; // connection faults hit the batch as a whole, not an item
  using K = fault_decision::kind;
  if (fault.what == K::throttle || fault.what == K::throttle_no_retry_after) {
    world_.stats().fault(to_string(fault.what));
    world_.stats().request(tenant->slug, user->upn, 429);
    bool with = fault.what == K::throttle;
    if (with)
      world_.limits().told_to_wait(appid, upn, fault.retry_after_s);
    sim_response r = throttled(fault.retry_after_s, with);
    r.release = slot;
    return r;
  }
  if (fault.what == K::http_500 || fault.what == K::http_502 || fault.what == K::http_503 || fault.what == K::http_504) {
    world_.stats().fault(to_string(fault.what));
    unsigned status = fault.what == K::http_500 ? 500 : fault.what == K::http_502 ? 502 : fault.what == K::http_503 ? 503 : 504;
    const char* code = status == 500 ? "InternalServerError" : status == 502 ? "BadGateway"
                     : status == 503 ? "ServiceUnavailable" : "GatewayTimeout";
    sim_response r = graph_error_response(status, code, "The service encountered a transient error. Please retry.");
    if (status == 503) {
      r.headers.emplace_back("Retry-After", seconds_text(fault.retry_after_s));
      world_.limits().told_to_wait(appid, upn, fault.retry_after_s);
    }
    world_.stats().request(tenant->slug, user->upn, status);
    r.release = slot;
    return r;
  }

  graph_scope s{world_, *user, *tenant, c, url, query, prefs, fault, {}};
  for (size_t i = 3; i < segs.size(); ++i)
    s.rest.push_back(segs[i]);
  sim_response r;
  auto& rest = s.rest;
  auto seg_is = [&](size_t i, std::string_view name) { return rest.size() > i && iequals(rest[i], name); };
  if (rest.empty()) {
    r = c.method == "GET" ? user_get(world_, *user)
                          : graph_error_response(405, "ErrorInvalidRequest", "Specified HTTP method is not allowed for the request target.");
  } else if (seg_is(0, "mailFolders") && rest.size() == 1 && c.method == "GET") {
    r = mail_folders(s, std::nullopt);
  } else if (seg_is(0, "mailFolders") && rest.size() == 2 && c.method == "GET") {
    auto f = resolve_folder(s, rest[1]);
    r = f ? mail_folders(s, f) : graph_error_response(404, "ErrorInvalidIdMalformed", "Id is malformed.");
  } else if (seg_is(0, "mailFolders") && rest.size() == 4 && seg_is(2, "messages") && seg_is(3, "delta") && c.method == "GET") {
    auto f = resolve_folder(s, rest[1]);
    r = f ? message_delta(s, f) : graph_error_response(404, "ErrorInvalidIdMalformed", "Id is malformed.");
  } else if (rest.size() == 3 && rest[0].size() > 14 && iequals(rest[0].substr(0, 12), "mailFolders(") &&
             seg_is(1, "messages") && seg_is(2, "delta") && c.method == "GET") {
    std::string_view inner = rest[0].substr(12);
    inner.remove_suffix(1); // ')'
    if (!inner.empty() && inner.front() == '\'' && inner.back() == '\'')
      inner = inner.substr(1, inner.size() - 2);
    auto f = resolve_folder(s, inner);
    r = f ? message_delta(s, f) : graph_error_response(404, "ErrorInvalidIdMalformed", "Id is malformed.");
  } else if (seg_is(0, "messages") && rest.size() == 2 && c.method == "GET") {
    r = message_get(s, rest[1]);
  } else if (seg_is(0, "calendarView") && seg_is(1, "delta") && rest.size() == 2 && c.method == "GET") {
    r = calendar_delta(s);
  } else if (seg_is(0, "events") && rest.size() <= 2) {
    r = event_routes(s);
  } else {
    r = graph_error_response(400, "BadRequest", "Resource not found for the segment '" + std::string(rest[0]) + "'.");
  }
  if (fault.what == K::reset || fault.what == K::truncate) {
    world_.stats().fault(to_string(fault.what));
    r.how = fault.what == K::reset ? sim_response::delivery::reset : sim_response::delivery::truncate;
  }
  if (fault.latency_ms) {
    world_.stats().fault("latency");
    r.latency_ms = fault.latency_ms;
  }
  world_.stats().request(tenant->slug, user->upn, r.status);
  r.release = slot;
  return r;
}

sim_response graph_api::batch(const graph_call& outer) {
  if (outer.method != "POST")
    return graph_error_response(405, "BadRequest", "Specified HTTP method is not allowed for the request target.");
  access_claims claims;
  if (world_.id_platform().validate(outer.authorization, claims) != token_check::ok) {
    world_.stats().request("", "", 401);
    return graph_error_response(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(outer.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("requests") || !v.as_object().at("requests").is_array())
    return graph_error_response(400, "BadRequest", "Invalid batch payload format.");
  auto& reqs = v.as_object().at("requests").as_array();
  if (reqs.empty() || reqs.size() > max_batch_items)
    return graph_error_response(400, "BadRequest", "Number of requests in a batch must be between 1 and 20.");
  std::string out = "{\"responses\":[";
  bool first = true;
  for (auto& item : reqs) {
    if (!item.is_object())
      return graph_error_response(400, "BadRequest", "Invalid batch payload format.");
    auto& o = item.as_object();
    auto str = [&](const char* k) {
      auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    std::string id = str("id");
    std::string method = str("method");
    std::string u = str("url");
    if (id.empty() || method.empty() || u.empty())
      return graph_error_response(400, "BadRequest", "Each batch request needs an id, a method and a url.");
    for (auto& ch : method)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    graph_call c;
    c.method = method;
    c.target = "/v1.0" + (u.front() == '/' ? u : "/" + u);
    c.authorization = outer.authorization;
    c.prefer = outer.prefer;
    if (auto* h = o.if_contains("headers"); h && h->is_object()) {
      for (auto& hk : h->as_object()) {
        if (!hk.value().is_string())
          continue;
        std::string name(hk.key());
        if (iequals(name, "Prefer"))
          c.prefer = std::string(hk.value().as_string());
        else if (iequals(name, "If-Match"))
          c.if_match = std::string(hk.value().as_string());
        else if (iequals(name, "Authorization"))
          c.authorization = std::string(hk.value().as_string());
      }
    }
    if (auto* b = o.if_contains("body"))
      c.body = boost::json::serialize(*b);
    sim_response r = execute(c, true);
    r.release.reset(); // an item's throttle slot ends when the item is done
    if (!first)
      out.push_back(',');
    first = false;
    out.append("{");
    json::append_member(out, "id", id);
    out.append(",\"status\":" + std::to_string(r.status) + ",\"headers\":{");
    bool fh = true;
    if (!r.content_type.empty()) {
      json::append_member(out, "Content-Type", r.content_type);
      fh = false;
    }
    for (auto& [k, val] : r.headers) {
      if (!fh)
        out.push_back(',');
      fh = false;
      json::append_member(out, k, val);
    }
    out.push_back('}');
    if (!r.body.empty()) {
      out.append(",\"body\":");
      out.append(r.body);
    }
    out.push_back('}');
  }
  out.append("]}");
  sim_response r;
  r.body = std::move(out);
  r.content_type = "application/json";
  finish_response(r, nullptr);
  return r;
}

sim_response graph_api::handle_token(const http_request& req, std::string_view tenant) {
  auto faults = world_.faults();
  const tenant_info* t = world_.data().find_tenant(tenant);
  if (t && faults->outage_tenants.count(t->slug)) {
    world_.stats().fault("outage");
    sim_response r;
    r.status = 503;
    r.content_type = "application/json";
    r.body = "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90033: A transient error has occurred. Please try again.\",\"error_codes\":[90033]}";
    r.headers.emplace_back("Retry-After", seconds_text(faults->retry_after_seconds.front()));
    return r;
  }
  if (req.method() != http::verb::post) {
    sim_response r;
    r.status = 405;
    r.content_type = "application/json";
    r.body = "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900561: The endpoint only accepts POST requests.\",\"error_codes\":[900561]}";
    return r;
  }
  std::string token_url = world_.base_url() + std::string(req.target().substr(0, req.target().find('?')));
  token_response tr = world_.id_platform().issue(tenant, req.body(), token_url, *faults, world_.options().token_lifetime_s);
  if (tr.status == 200)
    world_.stats().token_issued(tr.tenant_slug);
  else
    world_.stats().token_error(tr.tenant_slug.empty() ? std::string(tenant) : tr.tenant_slug, tr.error_code);
  sim_response r;
  r.status = tr.status;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(tr.body);
  r.headers.emplace_back("Cache-Control", "no-store, no-cache");
  r.headers.emplace_back("Pragma", "no-cache");
  return r;
}

} // namespace m365::sim
