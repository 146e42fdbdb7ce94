// Ownership: shared by every stream actor of the org; immutable after construction apart from
// the atomically swapped rule set inside. Threading: `apply` may run on many threads at once.
#pragma once

#include <cstdint>

#include "messages/pages.hpp"

namespace m365 {

/// The rule evaluation seam of the stream actors: decides each item of a page, records the
/// deciding rule in the item, and moves excluded items out of `items` into `removed_ids` (so an
/// item that a changed rule now excludes is also removed from the store). Returns how many
/// items it excluded.
class item_filter {
public:
  virtual ~item_filter() = default;
  virtual uint64_t apply(email_page& page, const std::vector<std::string>& internal_domains) = 0;
  virtual uint64_t apply(event_page& page, const std::vector<std::string>& internal_domains) = 0;
};

} // namespace m365
