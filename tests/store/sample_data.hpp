// Ownership: stateless generators, any thread. Deterministic, realistic sample data for the
// store's tests and benchmarks: emails of ~4 KB (subject, participants, preview, 3-4 KB body)
// and events, all derived from a seed so a run can be repeated byte for byte.
#pragma once

#include <cstdint>
#include <string>

#include "messages/pages.hpp"

namespace m365::sample {

/// A realistic email of `tenant`/`user` with Graph id `graph_id`; content derived from `seed`.
/// `message_id` empty = derived from the seed (then equal seeds give equal internetMessageIds).
email make_email(const std::string& tenant, const std::string& user, const std::string& folder,
                 const std::string& graph_id, uint64_t seed, const std::string& message_id = {});

/// A single event (or the given kind) of `tenant`/`user`.
event make_event(const std::string& tenant, const std::string& user, const std::string& graph_id,
                 uint64_t seed, const std::string& ical_uid = {},
                 event_kind kind = event_kind::single_instance);

/// A page of `count` emails with Graph ids `<prefix><first>`..; link url "page:<page_no>",
/// updated_at = base time + page_no.
email_page make_email_page(const std::string& tenant, const std::string& user,
                           const std::string& folder, uint64_t page_no, size_t first,
                           size_t count, const std::string& id_prefix = "AAMk-");

} // namespace m365::sample
