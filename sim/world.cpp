#include "sim/world.hpp"

#include "sim/json_text.hpp"

namespace m365::sim {

world::world(const server_options& o)
  : options_(o), data_(o), ids_(o.seed), links_(o.seed), identity_(data_, o.seed),
    throttle_(o.max_concurrent_per_mailbox, o.max_requests_per_window, o.throttle_window_s,
              std::chrono::milliseconds{o.early_grace_ms}),
    revocations_(data_.tenants().size()),
    faults_(std::make_shared<const fault_profile>()) {
  mailboxes_.resize(data_.users().size());
}

mailbox& world::mailbox_of(uint32_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = mailboxes_.at(index);
  if (!slot)
    slot = std::make_unique<mailbox>(data_, ids_, index);
  return *slot;
}

std::shared_ptr<const fault_profile> world::faults() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return faults_;
}

void world::set_faults(fault_profile profile) {
  auto p = std::make_shared<const fault_profile>(std::move(profile));
  std::lock_guard<std::mutex> lock(mutex_);
  faults_ = std::move(p);
}

std::string world::manifest_json() const {
  std::string out = "{";
  json::append_member(out, "url", base_url_);
  out.append(",\"tenants\":[");
  for (size_t i = 0; i < data_.tenants().size(); ++i) {
    const tenant_info& t = data_.tenants()[i];
    if (i)
      out.push_back(',');
    out.push_back('{');
    json::append_member(out, "slug", t.slug);
    out.push_back(',');
    json::append_member(out, "directory_id", t.directory_id);
    out.push_back(',');
    json::append_member(out, "domain", t.domain);
    out.push_back(',');
    json::append_member(out, "client_id", t.client_id);
    out.push_back(',');
    json::append_member(out, "client_secret", t.client_secret);
    out.push_back(',');
    json::append_member(out, "authority", base_url_);
    out.push_back(',');
    json::append_member(out, "token_endpoint", base_url_ + "/" + t.directory_id + "/oauth2/v2.0/token");
    out.push_back(',');
    json::append_member(out, "graph", base_url_ + "/v1.0");
    out.push_back(',');
    json::append_member(out, "certificate_pem", t.certificate_pem);
    out.push_back(',');
    json::append_member(out, "private_key_pem", t.private_key_pem);
    out.append(",\"users\":[");
    for (uint32_t u = 0; u < t.user_count; ++u) {
      const user_info& ui = data_.users()[t.first_user + u];
      if (u)
        out.push_back(',');
      out.push_back('{');
      json::append_member(out, "id", ui.id);
      out.push_back(',');
      json::append_member(out, "upn", ui.upn);
      out.push_back(',');
      json::append_member(out, "display_name", ui.display_name);
      out.push_back('}');
    }
    out.append("]}");
  }
  out.append("]}");
  return out;
}

} // namespace m365::sim
