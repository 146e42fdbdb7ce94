// Ownership: stateless request handlers, thread-safe (mailbox state is locked inside).
// Graph mail routes: mailFolders, message delta (rounds, $select, changeType, immutable ids,
// replay faults, 410 on stale links) and GET of one message.
#pragma once

#include <optional>
#include <string_view>

#include "sim/graph_request.hpp"

namespace m365::sim {

/// A well-known folder name or a folder id of this mailbox.
std::optional<uint16_t> resolve_folder(const graph_scope& s, std::string_view name);
/// `GET …/mailFolders/{f}/messages/delta` (initial, nextLink or deltaLink).
sim_response message_delta(const graph_scope& s, std::optional<uint16_t> folder_from_path);
/// `GET …/messages/{id}`.
sim_response message_get(const graph_scope& s, std::string_view id);
/// `GET …/mailFolders` (all) or `…/mailFolders/{f}` (one).
sim_response mail_folders(const graph_scope& s, std::optional<uint16_t> only);

} // namespace m365::sim
