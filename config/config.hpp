// Ownership: plain value produced by load_config; read-only afterwards, safe to share.
// The whole config file: server settings plus the declarative tenants, users and rules.
#pragma once

#include <string>
#include <vector>

#include "config/credential_material.hpp"
#include "config/server_config.hpp"
#include "messages/rule.hpp"
#include "messages/tenant.hpp"

namespace m365 {

/// A tenant as declared in the file: its settings (never a secret) and, when the file gives
/// one, its credential (kind() == none when the credential is left to the admin API).
struct tenant_declaration {
  tenant_settings settings;
  credential_material credential;
  /// True when the config file itself holds the secret (`client_secret` rather than
  /// `client_secret_file`): then the file must be protected like a secret.
  bool inline_secret = false;
};

struct config {
  std::string source;  ///< the file it was read from (absolute), "" when parsed from text
  server_config server;
  std::vector<tenant_declaration> tenants;
  std::vector<user_assignment> users;
  std::vector<rule> rules;
};

} // namespace m365
