// Ownership: one decoder per thread (it owns a reusable simdjson parser); not thread-safe.
// Turns a Graph `calendarView/delta` page (or a single event body) into m365::event values
// without a DOM and without copying the body.
#pragma once

#include <memory>

#include "adapters/padded_body.hpp"
#include "adapters/page_context.hpp"
#include "messages/expected.hpp"
#include "messages/pages.hpp"

namespace m365 {

struct json_parser_slot;

/// Decodes `{"@odata.nextLink"|"@odata.deltaLink": ..., "value": [event...]}`.
///
/// Fields read per event: id, changeKey, iCalUId, seriesMasterId, type (singleInstance,
/// occurrence, exception, seriesMaster), subject, organizer, attendees (type, status.response,
/// emailAddress), start/end {dateTime, timeZone} (converted to UTC, see graph_time.hpp for the
/// zone limitation), originalStartTimeZone, isAllDay, isCancelled, isOnlineMeeting,
/// location.displayName, sensitivity, showAs, importance, categories, bodyPreview,
/// recurrence {pattern, range}, transactionId, @removed. Unknown fields are skipped; null
/// counts as absent. Errors as for message_page_decoder: status_code::corrupted, field named,
/// no partial page.
class event_page_decoder {
public:
  explicit event_page_decoder(decoder_limits limits = {});
  ~event_page_decoder();
  event_page_decoder(event_page_decoder&&) noexcept;
  event_page_decoder& operator=(event_page_decoder&&) noexcept;

  /// A delta page; link.tenant/user/folder from `ctx`.
  expected<event_page> decode(const padded_body& body, const page_context& ctx);

  /// A single event body (the answer of POST/PATCH /users/{mbx}/events).
  expected<event> decode_event(const padded_body& body, const page_context& ctx);

private:
  decoder_limits limits_;
  std::unique_ptr<json_parser_slot> parser_;
};

} // namespace m365
