// The crash writer's data layout; see crash_layout.hpp.
#include "tests/store/crash_layout.hpp"

#include "tests/store/sample_data.hpp"

namespace m365::crash {

stream stream_at(size_t index) {
  return {index & 1 ? "fabrikam" : "contoso", index & 2 ? "u-2" : "u-1",
          index & 4 ? "sentitems" : "inbox"};
}

std::string item_id(size_t index, uint64_t page, size_t i) {
  return "S" + std::to_string(index) + "-P" + std::to_string(page) + "-I" + std::to_string(i);
}

std::string shared_id(size_t index, uint64_t page) {
  return "S" + std::to_string(index) + "-P" + std::to_string(page) + "-shared";
}

std::string shared_message_id(const std::string& user, const std::string& folder, uint64_t page) {
  return "<shared-" + user + "-" + folder + "-" + std::to_string(page) + "@client.example>";
}

email_page make_page(size_t index, uint64_t page) {
  auto s = stream_at(index);
  email_page out;
  out.link = {s.tenant, s.user, s.folder, sync_phase::paging, "page:" + std::to_string(page), 0,
              static_cast<timestamp_ms>(1'800'000'000'000 + page * 16 + index), 0, 0, ""};
  for (size_t i = 0; i < items_per_page; ++i)
    out.items.push_back(sample::make_email(s.tenant, s.user, s.folder, item_id(index, page, i),
                                           index * 1'000'003 + page * 101 + i));
  out.items.push_back(sample::make_email(s.tenant, s.user, s.folder, shared_id(index, page),
                                         page, shared_message_id(s.user, s.folder, page)));
  if (page > 0)
    for (size_t i = 0; i < removed_per_page; ++i)
      out.removed_ids.push_back(item_id(index, page - 1, i));
  return out;
}

} // namespace m365::crash
