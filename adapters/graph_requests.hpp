// Ownership: free functions, thread-safe. The Graph requests of the sync engine: initial delta
// URLs and follow-up links, each with the Prefer header Graph wants on every request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/graph_client.hpp"
#include "messages/ids.hpp"

namespace m365 {

/// The message fields message_page_decoder reads; sent as $select so pages stay small.
inline constexpr const char* message_select_fields =
  "id,changeKey,internetMessageId,conversationId,subject,from,sender,toRecipients,ccRecipients,"
  "bccRecipients,receivedDateTime,sentDateTime,bodyPreview,body,categories,importance,"
  "inferenceClassification,isRead,isDraft,hasAttachments";

/// Same without `body` (for deployments that keep only previews).
inline constexpr const char* message_select_fields_no_body =
  "id,changeKey,internetMessageId,conversationId,subject,from,sender,toRecipients,ccRecipients,"
  "bccRecipients,receivedDateTime,sentDateTime,bodyPreview,categories,importance,"
  "inferenceClassification,isRead,isDraft,hasAttachments";

/// `odata.maxpagesize=N, IdType="ImmutableId"`, plus `outlook.timezone="UTC"` for calendars.
/// Graph forgets preferences between pages: resend it with every request, links included.
std::string prefer_header(uint32_t page_size, bool calendar);

/// GET {base}/users/{mailbox}/mailFolders/{folder}/messages/delta?$select=...
graph_request initial_message_delta(const graph_endpoint& graph, std::string_view mailbox,
                                    std::string_view folder, uint32_t page_size,
                                    bool with_body = true);

/// GET {base}/users/{mailbox}/calendarView/delta?startDateTime=..&endDateTime=.. (UTC, ISO).
/// calendarView delta does not support $select; the window is fixed for the delta round.
graph_request initial_calendar_delta(const graph_endpoint& graph, std::string_view mailbox,
                                     timestamp_ms window_start, timestamp_ms window_end,
                                     uint32_t page_size);

/// GET of a stored nextLink/deltaLink (the client checks its host before sending).
graph_request follow_link(std::string link, std::string_view mailbox, uint32_t page_size,
                          bool calendar);

} // namespace m365
