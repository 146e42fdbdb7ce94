// Compare-before-write application of declared tenants, credentials, users and rules.
#include "config/declarative_apply.hpp"

#include <map>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "config/record_fingerprint.hpp"

namespace m365 {

namespace {

std::string audit_details(const char* kind, const std::string& id, const char* change) {
  boost::json::object o;
  o["kind"] = kind;
  o["id"] = id;
  o["change"] = change;
  return boost::json::serialize(o);
}

class applier {
public:
  applier(lmdb_store& store, const secret_box& box, const std::string& actor, timestamp_ms now)
    : store_(store), box_(box), actor_(actor), now_(now) {
  }

  status tenant(const tenant_declaration& declared) {
    auto desired = declared.settings;
    auto stored = store_.get_tenant(desired.id);
    if (!stored && stored.error().code() != status_code::not_found) return stored.error();
    const char* change = "created";
    if (stored) {
      desired.version = stored->version;
      if (same_record(desired, *stored)) return unchanged();
      change = "updated";
    }
    desired.version = stored ? stored->version + 1 : 1;
    if (auto st = store_.put_tenant(desired); !st) return st;
    ++report_.tenants_written;
    return record("tenant", desired.id, change);
  }

  status credential(const tenant_declaration& declared) {
    const auto& id = declared.settings.id;
    if (declared.credential.kind() == credential_kind::none) return status::ok();
    auto stored = store_.get_sealed_credential(id);
    if (!stored && stored.error().code() != status_code::not_found) return stored.error();
    const char* change = "created";
    if (stored) {
      // A blob that no longer opens (another master key) is replaced by the declared one.
      auto opened = box_.open(id, *stored);
      if (opened) {
        auto material = decode_credential(*opened);
        if (material && *material == declared.credential) return unchanged();
      }
      change = "replaced";
    }
    auto sealed = box_.seal(id, encode_credential(declared.credential));
    if (!sealed) return sealed.error();
    if (auto st = store_.put_sealed_credential(id, *sealed); !st) return st;
    ++report_.credentials_written;
    return record("credential", id, change);
  }

  status user(const user_assignment& declared) {
    auto desired = declared;
    auto stored = store_.get_user(desired.user);
    if (!stored && stored.error().code() != status_code::not_found) return stored.error();
    const char* change = "created";
    if (stored) {
      desired.version = stored->version;
      // A phased move started through the API is not the file's business.
      desired.moving_from = stored->moving_from;
      if (same_record(desired, *stored)) return unchanged();
      change = stored->tenant == desired.tenant ? "updated" : "reassigned";
    }
    desired.version = stored ? stored->version + 1 : 1;
    if (auto st = store_.put_user(desired); !st) return st;
    ++report_.users_written;
    return record("user", desired.user, change);
  }

  status rule_entry(const rule& declared, const std::map<std::string, rule>& stored_rules) {
    auto desired = declared;
    auto it = stored_rules.find(desired.id);
    const char* change = "created";
    if (it != stored_rules.end()) {
      desired.version = it->second.version;
      if (same_record(desired, it->second)) return unchanged();
      change = "updated";
    }
    desired.version = it != stored_rules.end() ? it->second.version + 1 : 1;
    if (auto st = store_.put_rule(desired); !st) return st;
    ++report_.rules_written;
    return record("rule", desired.id, change);
  }

  apply_report take_report() { return std::move(report_); }

private:
  status unchanged() {
    ++report_.unchanged;
    return status::ok();
  }

  status record(const char* kind, const std::string& id, const char* change) {
    report_.lines.push_back(std::string{kind} + " " + id + ": " + change);
    return store_.append_audit(now_, actor_, std::string{"config."} + kind,
                               audit_details(kind, id, change));
  }

  lmdb_store& store_;
  const secret_box& box_;
  const std::string& actor_;
  timestamp_ms now_;
  apply_report report_;
};

} // namespace

expected<apply_report> apply_declarations(const config& cfg, lmdb_store& store,
                                          const secret_box& box, const std::string& actor,
                                          timestamp_ms now) {
  applier apply{store, box, actor, now};
  // Tenants before the users and rules that refer to them.
  for (const auto& t : cfg.tenants) {
    if (auto st = apply.tenant(t); !st) return st;
    if (auto st = apply.credential(t); !st) return st;
  }
  for (const auto& u : cfg.users) {
    if (auto st = apply.user(u); !st) return st;
  }
  auto stored_rules = store.list_rules();
  if (!stored_rules) return stored_rules.error();
  std::map<std::string, rule> by_id;
  for (auto& r : *stored_rules) by_id.emplace(r.id, std::move(r));
  for (const auto& r : cfg.rules) {
    if (auto st = apply.rule_entry(r, by_id); !st) return st;
  }
  return apply.take_report();
}

} // namespace m365
