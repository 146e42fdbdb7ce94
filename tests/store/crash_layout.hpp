// Ownership: stateless, shared by the crash writer program and the crash test.
// What the crash writer commits: 8 streams (2 tenants x 2 users x 2 folders), page n of a
// stream holds `items_per_page` own emails, removes items 0..removed_per_page-1 of page n-1
// (so most entries of a user's dedupe journal go stale and the writer, with a compact floor of
// `compact_floor`, compacts it every few transactions), and carries one email
// whose internetMessageId is shared with the same user/folder/page of the other tenant (a
// migration duplicate that dedupe must fold into one record).
#pragma once

#include <cstdint>
#include <string>

#include "messages/pages.hpp"

namespace m365::crash {

constexpr size_t stream_count = 8;
constexpr size_t items_per_page = 4;
constexpr size_t removed_per_page = 3;
constexpr size_t compact_floor = 8;

struct stream {
  std::string tenant;
  std::string user;
  std::string folder;
};

stream stream_at(size_t index);
/// Graph id of item `i` of page `page` of stream `index`.
std::string item_id(size_t index, uint64_t page, size_t i);
/// Graph id and internetMessageId of the shared (deduplicated) email of a page.
std::string shared_id(size_t index, uint64_t page);
std::string shared_message_id(const std::string& user, const std::string& folder, uint64_t page);
/// Page `page` of stream `index` (link url "page:<page>").
email_page make_page(size_t index, uint64_t page);

} // namespace m365::crash
