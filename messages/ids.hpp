// Ownership: value types. Identifiers shared by every area.
#pragma once

#include <cstdint>
#include <string>

namespace m365 {

/// Slug of a connected tenant instance, e.g. "contoso". Lower-case [a-z0-9-], 1..63 chars.
using tenant_id = std::string;
/// CRM user id, e.g. "u-1001".
using user_id = std::string;
/// Milliseconds since the Unix epoch, UTC.
using timestamp_ms = int64_t;

/// True when `id` is a valid tenant slug: 1..63 chars of [a-z0-9-], not starting with '-'.
bool is_valid_tenant_id(const std::string& id) noexcept;
/// True when `id` is a valid CRM user id: 1..128 printable ASCII chars, no '/', no spaces.
bool is_valid_user_id(const std::string& id) noexcept;

} // namespace m365
