// Ownership: one decoder per thread (it owns a reusable simdjson parser); not thread-safe.
// Turns a Graph `messages/delta` page into an email_page without a DOM and without copying
// the body.
#pragma once

#include <memory>

#include "adapters/padded_body.hpp"
#include "adapters/page_context.hpp"
#include "messages/expected.hpp"
#include "messages/pages.hpp"

namespace m365 {

struct json_parser_slot;

/// Decodes `{"@odata.nextLink"|"@odata.deltaLink": ..., "value": [message...]}`.
///
/// Fields read per message: id, changeKey, internetMessageId, conversationId, subject, from
/// (falls back to sender), toRecipients, ccRecipients, bccRecipients, receivedDateTime,
/// sentDateTime, bodyPreview, body{contentType, content}, categories, importance,
/// inferenceClassification, isRead, isDraft, hasAttachments, @removed. Unknown fields are
/// skipped; null counts as absent. A wrong type, a truncated body, a page with no link or a
/// body over the limit yields status_code::corrupted naming the field (e.g.
/// "messages page: value[1].isRead: wrong type (expected boolean)"): never a partial page.
class message_page_decoder {
public:
  explicit message_page_decoder(decoder_limits limits = {});
  ~message_page_decoder();
  message_page_decoder(message_page_decoder&&) noexcept;
  message_page_decoder& operator=(message_page_decoder&&) noexcept;

  /// The page's link goes to `link.url`, `final_page` is true for a deltaLink; link.tenant,
  /// user and folder come from `ctx`; the link's phase and generation are the caller's.
  expected<email_page> decode(const padded_body& body, const page_context& ctx);

private:
  decoder_limits limits_;
  std::unique_ptr<json_parser_slot> parser_;
};

} // namespace m365
