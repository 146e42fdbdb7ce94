// Ownership: stateless codec (holds only the seed), thread-safe. Graph-looking opaque ids that
// decode back to (mailbox, item) so lookups need no id maps. Regular message ids depend on the
// folder (as Exchange's do: a move changes the id); immutable ids (Prefer: IdType="ImmutableId")
// do not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace m365::sim {

/// What an id decodes to.
struct decoded_id {
  char kind = 0;          ///< 'm' message, 'i' immutable message, 'f' folder, 'e' event
  uint32_t mailbox = 0;
  uint32_t item = 0;      ///< message or event index in the mailbox; folder number for 'f'
  uint32_t sub = 0;       ///< message: folder at encoding time; event: occurrence number + 1 (0 = master)
};

class item_ids {
public:
  explicit item_ids(uint64_t seed) : seed_(seed) {}

  std::string message_id(uint32_t mailbox, uint32_t index, uint16_t folder, bool immutable) const;
  std::string folder_id(uint32_t mailbox, uint16_t folder) const;
  std::string event_id(uint32_t mailbox, uint32_t index, uint32_t occurrence) const;

  /// Decodes any id this codec made (checksum verified); nullopt for foreign or damaged ids.
  std::optional<decoded_id> decode(std::string_view id) const;

private:
  std::string encode(char kind, uint32_t mailbox, uint32_t item, uint32_t sub) const;
  uint64_t seed_;
};

} // namespace m365::sim
