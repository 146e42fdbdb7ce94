#include "sim/counters.hpp"

#include "sim/json_text.hpp"

namespace m365::sim {

namespace {

template <class Map>
uint64_t sum(const Map& m) {
  uint64_t s = 0;
  for (auto& kv : m)
    s += kv.second;
  return s;
}

void append_map(std::string& out, const std::map<std::string, uint64_t>& m) {
  out.push_back('{');
  bool first = true;
  for (auto& [k, v] : m) {
    if (!first)
      out.push_back(',');
    first = false;
    json::append_string(out, k);
    out.push_back(':');
    out.append(std::to_string(v));
  }
  out.push_back('}');
}

} // namespace

void counters::request(const std::string& tenant, const std::string& mailbox, unsigned status) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!tenant.empty())
    ++by_tenant_[tenant];
  if (!mailbox.empty()) {
    ++by_mailbox_[mailbox];
    ++by_mailbox_status_[mailbox][status];
  }
  ++by_status_[status];
}

void counters::concurrency(const std::string& mailbox, unsigned in_flight) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& m = max_concurrency_[mailbox];
  if (in_flight > m)
    m = in_flight;
}

void counters::early_request(const std::string& mailbox) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++early_[mailbox];
}

void counters::wrong_tenant_token(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++wrong_tenant_[tenant];
}

void counters::duplicate_create_suppressed(const std::string& mailbox) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++duplicates_[mailbox];
}

void counters::fault(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++faults_[kind];
}

void counters::token_issued(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++tokens_issued_[tenant];
}

void counters::token_error(const std::string& tenant, const std::string& code) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++token_errors_[tenant][code];
}

std::string counters::to_json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out = "{\"requests\":{\"total\":" + std::to_string(sum(by_status_)) + ",\"by_tenant\":";
  append_map(out, by_tenant_);
  out.append(",\"by_mailbox\":");
  append_map(out, by_mailbox_);
  out.append(",\"by_status\":{");
  bool first = true;
  for (auto& [k, v] : by_status_) {
    if (!first)
      out.push_back(',');
    first = false;
    out.append("\"" + std::to_string(k) + "\":" + std::to_string(v));
  }
  out.append("},\"by_mailbox_status\":{");
  first = true;
  for (auto& [mbx, st] : by_mailbox_status_) {
    if (!first)
      out.push_back(',');
    first = false;
    json::append_string(out, mbx);
    out.append(":{");
    bool f2 = true;
    for (auto& [k, v] : st) {
      if (!f2)
        out.push_back(',');
      f2 = false;
      out.append("\"" + std::to_string(k) + "\":" + std::to_string(v));
    }
    out.push_back('}');
  }
  out.append("}},\"max_concurrency\":{");
  first = true;
  for (auto& [k, v] : max_concurrency_) {
    if (!first)
      out.push_back(',');
    first = false;
    json::append_string(out, k);
    out.append(":" + std::to_string(v));
  }
  out.append("},\"early_requests\":{\"total\":" + std::to_string(sum(early_)) + ",\"by_mailbox\":");
  append_map(out, early_);
  out.append("},\"wrong_tenant_tokens\":{\"total\":" + std::to_string(sum(wrong_tenant_)) + ",\"by_tenant\":");
  append_map(out, wrong_tenant_);
  out.append("},\"duplicate_creates_suppressed\":{\"total\":" + std::to_string(sum(duplicates_)) + ",\"by_mailbox\":");
  append_map(out, duplicates_);
  out.append("},\"faults\":");
  append_map(out, faults_);
  out.append(",\"tokens\":{\"issued\":");
  append_map(out, tokens_issued_);
  out.append(",\"errors\":{");
  first = true;
  for (auto& [t, m] : token_errors_) {
    if (!first)
      out.push_back(',');
    first = false;
    json::append_string(out, t);
    out.push_back(':');
    append_map(out, m);
  }
  out.append("}}}");
  return out;
}

void counters::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  by_tenant_.clear();
  by_mailbox_.clear();
  by_status_.clear();
  by_mailbox_status_.clear();
  max_concurrency_.clear();
  early_.clear();
  wrong_tenant_.clear();
  duplicates_.clear();
  faults_.clear();
  tokens_issued_.clear();
  token_errors_.clear();
}

} // namespace m365::sim

namespace m365::sim {

uint64_t counters::early_requests_total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sum(early_);
}

uint64_t counters::wrong_tenant_total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sum(wrong_tenant_);
}

uint64_t counters::duplicates_total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sum(duplicates_);
}

unsigned counters::max_concurrency(const std::string& mailbox) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = max_concurrency_.find(mailbox);
  return it == max_concurrency_.end() ? 0 : it->second;
}

uint64_t counters::fault_count(const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = faults_.find(kind);
  return it == faults_.end() ? 0 : it->second;
}

uint64_t counters::status_count(unsigned status) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_status_.find(status);
  return it == by_status_.end() ? 0 : it->second;
}

uint64_t counters::tokens_issued(const std::string& tenant) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tokens_issued_.find(tenant);
  return it == tokens_issued_.end() ? 0 : it->second;
}

uint64_t counters::mailbox_requests(const std::string& mailbox) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_mailbox_.find(mailbox);
  return it == by_mailbox_.end() ? 0 : it->second;
}

} // namespace m365::sim
