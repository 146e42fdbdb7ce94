// Ownership: see header.
#include "adapters/graph_requests.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "adapters/graph_time.hpp"

namespace m365 {

namespace {

std::string path_segment(std::string_view s) {
  // '/' is not a pchar, so a crafted mailbox or folder cannot add path segments; "." and ".."
  // are escaped so they are not dot segments either.
  if (s == "." || s == "..")
    return s.size() == 1 ? "%2E" : "%2E%2E";
  return boost::urls::encode(s, boost::urls::pchars);
}

std::string query_value(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

graph_request with_prefer(std::string url, std::string_view mailbox, uint32_t page_size,
                          bool calendar) {
  graph_request req;
  req.url = std::move(url);
  req.mailbox = std::string(mailbox);
  req.headers.emplace_back("Prefer", prefer_header(page_size, calendar));
  return req;
}

} // namespace

std::string prefer_header(uint32_t page_size, bool calendar) {
  std::string out = "odata.maxpagesize=" + std::to_string(page_size) + ", IdType=\"ImmutableId\"";
  if (calendar)
    out += ", outlook.timezone=\"UTC\"";
  return out;
}

graph_request initial_message_delta(const graph_endpoint& graph, std::string_view mailbox,
                                    std::string_view folder, uint32_t page_size,
                                    bool with_body) {
  std::string path = "/users/" + path_segment(mailbox) + "/mailFolders/" + path_segment(folder)
                     + "/messages/delta?$select="
                     + (with_body ? message_select_fields : message_select_fields_no_body);
  return with_prefer(graph.url(path), mailbox, page_size, false);
}

graph_request initial_calendar_delta(const graph_endpoint& graph, std::string_view mailbox,
                                     timestamp_ms window_start, timestamp_ms window_end,
                                     uint32_t page_size) {
  std::string path = "/users/" + path_segment(mailbox) + "/calendarView/delta?startDateTime="
                     + query_value(format_iso8601_utc(window_start))
                     + "&endDateTime=" + query_value(format_iso8601_utc(window_end));
  return with_prefer(graph.url(path), mailbox, page_size, true);
}

graph_request follow_link(std::string link, std::string_view mailbox, uint32_t page_size,
                          bool calendar) {
  return with_prefer(std::move(link), mailbox, page_size, calendar);
}

} // namespace m365
