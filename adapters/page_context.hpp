// Ownership: value types, no threads. What a decoder needs to know about the request a page
// answers (provenance to stamp on every item) and the limits it enforces.
#pragma once

#include <cstddef>
#include <string>

#include "messages/ids.hpp"

namespace m365 {

/// Provenance of a page: copied into every decoded item and into the page's link.
struct page_context {
  tenant_id tenant;
  user_id user;
  std::string mailbox;         ///< UPN or object id the request read from
  std::string folder;          ///< mail folder ("inbox") or "calendar"
  size_t expected_items = 0;   ///< the maxpagesize asked for; sizes the item vector. 0 = guess
};

/// Limits that protect the decoder from hostile or broken bodies.
struct decoder_limits {
  /// Bodies larger than this are refused before parsing. Default: 64 MiB.
  size_t max_body_bytes = 64u << 20;
  /// Deepest JSON nesting accepted. Default: 64 (a Graph event is about 5 deep).
  size_t max_depth = 64;
};

} // namespace m365
