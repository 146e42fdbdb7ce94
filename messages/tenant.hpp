// Ownership: value types. A connected tenant instance as configured (never holds a secret:
// credentials are sealed in the store and only the token actor opens them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>


#include "messages/ids.hpp"

namespace m365 {

/// How a tenant authenticates; the secret material itself lives sealed in the store.
enum class credential_kind : uint8_t { none = 0, client_secret, certificate };

struct tenant_settings {
  tenant_id id;
  std::string display_name;
  std::string directory_id;                    ///< Entra tenant GUID or domain
  std::string authority = "https://login.microsoftonline.com";
  std::string graph = "https://graph.microsoft.com/v1.0";
  std::string ca_file;                         ///< extra CA bundle; empty = system CAs
  std::string client_id;
  credential_kind credential = credential_kind::none;
  std::vector<std::string> internal_domains;   ///< lower-case
  std::vector<std::string> folders = {"inbox", "sentitems"};
  uint32_t email_interval_s = 300;             ///< 1 or more
  uint32_t calendar_interval_s = 900;          ///< 1 or more
  uint32_t calendar_past_days = 30;
  uint32_t calendar_future_days = 180;
  uint32_t page_size = 100;                    ///< Prefer: odata.maxpagesize
  bool push_attendees = false;                 ///< creating events with attendees emails them
  bool enabled = true;
  uint32_t version = 0;                        ///< bumped on every change
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tenant_settings& x) {
  return f(x.id, x.display_name, x.directory_id,
           x.authority, x.graph, x.ca_file, x.client_id, x.credential, x.internal_domains,
           x.folders, x.email_interval_s, x.calendar_interval_s, x.calendar_past_days,
           x.calendar_future_days, x.page_size, x.push_attendees, x.enabled, x.version);
}

/// A CRM user and the one tenant (and mailbox) it belongs to.
struct user_assignment {
  user_id user;
  tenant_id tenant;
  std::string mailbox;  ///< UPN or object id in that tenant
  /// Set during a phased move: the tenant the user is leaving; empty otherwise.
  tenant_id moving_from;
  uint32_t version = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_assignment& x) {
  return f(x.user, x.tenant, x.mailbox, x.moving_from,
           x.version);
}

} // namespace m365
