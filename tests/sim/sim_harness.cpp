#include "tests/sim/sim_harness.hpp"

#include <stdexcept>

namespace m365::sim::testing {

server_options sim_harness::defaults() {
  server_options o;
  o.seed = 42;
  o.tenants = 2;
  o.users = 3;
  o.messages = 40;
  o.events = 12;
  o.threads = 2;
  o.tenant_certificates = false; // RSA keys cost time; the certificate tests turn them on
  return o;
}

sim_harness::sim_harness(server_options options) {
  auto port = server_.start(options);
  if (!port)
    throw std::runtime_error("simulator did not start: " + port.error().message());
  bool tls = !options.tls_cert_pem.empty() || !options.tls_cert_file.empty();
  client_ = std::make_unique<sim_client>("127.0.0.1", *port, tls);
  manifest_ = boost::json::parse(server_.manifest_json()).as_object();
}

std::unique_ptr<sim_client> sim_harness::client() const {
  bool tls = server_.url().rfind("https", 0) == 0;
  return std::make_unique<sim_client>("127.0.0.1", server_.port(), tls);
}

const boost::json::object& sim_harness::tenant(size_t i) const {
  return manifest_.at("tenants").as_array().at(i).as_object();
}

std::string sim_harness::user_upn(size_t t, size_t u) const {
  return std::string(tenant(t).at("users").as_array().at(u).as_object().at("upn").as_string());
}

std::string sim_harness::token(size_t i) {
  auto& t = tenant(i);
  std::string form = "grant_type=client_credentials&client_id=" + std::string(t.at("client_id").as_string()) +
                     "&client_secret=" + std::string(t.at("client_secret").as_string()) +
                     "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
  auto r = client_->request("POST", "/" + std::string(t.at("directory_id").as_string()) + "/oauth2/v2.0/token", form,
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  if (r.status != 200)
    throw std::runtime_error("token endpoint answered " + std::to_string(r.status) + ": " + r.body);
  return std::string(boost::json::parse(r.body).at("access_token").as_string());
}

std::vector<std::pair<std::string, std::string>> sim_harness::auth(const std::string& token,
                                                                   const std::string& prefer) const {
  std::vector<std::pair<std::string, std::string>> h{{"Authorization", "Bearer " + token}};
  if (!prefer.empty())
    h.emplace_back("Prefer", prefer);
  return h;
}

sim_harness::walk_result sim_harness::walk(const std::string& url, const std::string& token, const std::string& prefer) {
  walk_result w;
  std::string next = url;
  for (int guard = 0; guard < 100000; ++guard) {
    auto r = client_->get(next, auth(token, prefer));
    ++w.pages;
    if (r.status != 200) {
      w.failed_status = r.status ? r.status : 1;
      w.failed_body = r.body;
      return w;
    }
    auto v = boost::json::parse(r.body).as_object();
    for (auto& item : v.at("value").as_array())
      w.items.push_back(item.as_object());
    if (auto* n = v.if_contains("@odata.nextLink")) {
      next = std::string(n->as_string());
      continue;
    }
    w.delta_link = std::string(v.at("@odata.deltaLink").as_string());
    return w;
  }
  return w;
}

std::pair<unsigned, boost::json::value> sim_harness::control(const std::string& method, const std::string& path,
                                                             const std::string& body) {
  auto r = client_->request(method, path, body, {{"Content-Type", "application/json"}});
  boost::json::value v;
  if (!r.body.empty()) {
    boost::system::error_code ec;
    v = boost::json::parse(r.body, ec);
  }
  return {r.status, v};
}

} // namespace m365::sim::testing
