// Ownership: immutable after construction, shared read-only by all server threads.
// The seeded "advisory firm" world: tenants, users, folders and the recipe of every seeded
// message and event. Messages are materialised on demand from (mailbox, index) so a million of
// them cost no RAM until served; bodies are slices of one shared text pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/options.hpp"

namespace m365::sim {

struct email_address {
  std::string name;
  std::string address;
};

/// A tenant of the simulated cloud.
struct tenant_info {
  uint32_t index = 0;
  std::string slug;          ///< `contoso`
  std::string domain;        ///< internal mail domain, `contoso.com`
  std::string directory_id;  ///< Entra tenant id (GUID)
  std::string client_id;     ///< the registered app's id (GUID)
  std::string client_secret; ///< the app's secret
  std::string certificate_pem;  ///< self-signed certificate registered for the app
  std::string private_key_pem;  ///< its key (handed to clients through the manifest)
  std::string certificate_sha256; ///< raw SHA-256 of the certificate DER (x5t#S256)
  std::string certificate_sha1;   ///< raw SHA-1 of the certificate DER (legacy x5t)
  uint32_t first_user = 0;   ///< global index of the tenant's first user
  uint32_t user_count = 0;
};

/// A user (one mailbox).
struct user_info {
  uint32_t index = 0;        ///< global index, mailbox number
  uint32_t tenant = 0;
  std::string id;            ///< object id (GUID)
  std::string upn;           ///< `adele.vance@contoso.com`
  std::string display_name;
};

/// Well-known folders every mailbox has, in this order (index = folder number).
enum class folder_kind : uint16_t { inbox = 0, sentitems, archive, deleteditems, drafts, junkemail };
inline constexpr uint16_t folder_count = 6;
std::string_view folder_well_known_name(uint16_t folder) noexcept;
std::string_view folder_display_name(uint16_t folder) noexcept;

/// Everything about a message except its id, folder and change state.
struct message_fields {
  std::string internet_message_id;
  std::string subject;
  std::string conversation_id;
  email_address from;
  std::vector<email_address> to;
  std::vector<email_address> cc;
  std::vector<std::string> categories;
  std::string importance = "normal";      ///< low | normal | high
  std::string inference = "focused";      ///< focused | other
  std::string flag_status = "notFlagged"; ///< notFlagged | flagged | complete
  int64_t sent = 0;
  int64_t received = 0;
  bool is_read = false;
  bool has_attachments = false;
  bool is_draft = false;
  /// Seeded body: a slice of the shared pool (offset, length). Ignored when `body_html` is set.
  uint32_t body_offset = 0;
  uint32_t body_length = 0;
  /// Explicit body (HTML) for messages added through the control API.
  std::optional<std::string> body_html;
};

/// Recurrence of a seeded or posted series (Graph's patternedRecurrence, the subset we expand).
struct recurrence_rule {
  std::string type = "weekly";   ///< daily | weekly
  int interval = 1;
  std::vector<int> days_of_week; ///< 0 = sunday … 6 = saturday (weekly only)
  int64_t range_start = 0;       ///< unix seconds of the start date (00:00 UTC)
  int64_t range_end = 0;         ///< unix seconds of the end date (inclusive day), 0 = use count
  int count = 0;                 ///< numberOfOccurrences when range_end == 0
};

/// One change to a single occurrence of a series.
struct occurrence_exception {
  int64_t original_start = 0;
  bool cancelled = false;
  int64_t start = 0;
  int64_t end = 0;
  std::string subject; ///< empty = as the series
};

/// A calendar item (single instance or series master) in one version.
struct event_fields {
  std::string subject;
  std::string body_html;
  std::string location;
  std::string sensitivity = "normal"; ///< normal | personal | private | confidential
  std::string show_as = "busy";       ///< free | tentative | busy | oof | workingElsewhere
  std::string importance = "normal";
  std::string transaction_id;         ///< empty = null
  std::string ical_uid;
  std::string time_zone = "UTC";
  std::vector<std::string> categories;
  std::vector<email_address> attendees;
  email_address organizer;
  bool is_organizer = true;
  bool is_all_day = false;
  bool is_online_meeting = false;
  int64_t start = 0;
  int64_t end = 0;
  int64_t created = 0;
  int64_t modified = 0;
  std::optional<recurrence_rule> recurrence;
  std::vector<occurrence_exception> exceptions;
};

/// The generated world. Thread-safe for reads after construction.
class dataset {
public:
  /// Builds tenants and users (cheap); messages/events are generated on demand.
  explicit dataset(const server_options& options);

  uint64_t seed() const noexcept { return seed_; }
  int64_t anchor_time() const noexcept { return anchor_; }
  uint32_t messages_per_mailbox() const noexcept { return messages_; }
  uint32_t events_per_mailbox() const noexcept { return events_; }

  const std::vector<tenant_info>& tenants() const noexcept { return tenants_; }
  std::vector<tenant_info>& mutable_tenants() noexcept { return tenants_; }
  const std::vector<user_info>& users() const noexcept { return users_; }

  /// Finds a tenant by directory id, `{slug}.onmicrosoft.com` or internal domain.
  const tenant_info* find_tenant(std::string_view name) const;
  /// Finds a tenant by slug.
  const tenant_info* find_tenant_by_slug(std::string_view slug) const;
  /// Finds a user by object id or UPN (case-insensitive).
  const user_info* find_user(std::string_view id_or_upn) const;

  /// Folder a seeded message starts in.
  uint16_t seeded_folder(uint32_t mailbox, uint32_t index) const noexcept;
  /// The content of seeded message `index` of `mailbox`.
  message_fields seeded_message(uint32_t mailbox, uint32_t index) const;
  /// The seeded calendar item `index` of `mailbox`.
  event_fields seeded_event(uint32_t mailbox, uint32_t index) const;

  /// The shared body pool: plain ASCII HTML fragments needing no JSON escaping.
  std::string_view body_pool() const noexcept { return pool_; }
  /// Plain-text preview (at most 255 chars) of a pool slice, as Graph's bodyPreview.
  std::string body_preview(uint32_t offset, uint32_t length) const;

private:
  email_address person_at(uint64_t h, std::string_view domain) const;
  email_address client_contact(uint64_t h) const;
  void build_pool();

  uint64_t seed_;
  int64_t anchor_;
  uint32_t messages_;
  uint32_t events_;
  std::vector<tenant_info> tenants_;
  std::vector<user_info> users_;
  std::unordered_map<std::string, uint32_t> user_by_key_; // lower-case id and upn
  std::string pool_;
  std::vector<uint32_t> sentence_starts_;
};


/// A GUID-shaped string from a hash pair.
std::string guid_from(uint64_t a, uint64_t b);

} // namespace m365::sim
