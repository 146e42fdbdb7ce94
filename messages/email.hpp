// Ownership: value types. One synced email as decoded from a Graph message, with provenance.
#pragma once

#include <string>
#include <vector>


#include "messages/ids.hpp"
#include "messages/participant.hpp"
#include "messages/verdict.hpp"

namespace m365 {

/// A message from Graph `messages/delta`. Keyed in the store by tenant + user + graph_id
/// (an immutable id); deduplicated per user by internet_message_id.
struct email {
  tenant_id tenant;
  user_id user;
  std::string mailbox;              ///< UPN or object id the message was read from
  std::string folder;               ///< well-known name or folder id ("inbox", "sentitems")
  std::string graph_id;             ///< immutable id (Prefer: IdType="ImmutableId")
  std::string change_key;
  std::string internet_message_id;  ///< RFC 5322 Message-ID, the cross-tenant dedupe key
  std::string conversation_id;
  std::string subject;
  participant from;
  std::vector<participant> to;
  std::vector<participant> cc;
  std::vector<participant> bcc;
  timestamp_ms received_at = 0;
  timestamp_ms sent_at = 0;
  std::string body_preview;
  std::string body;                 ///< body content as sent by Graph (may be empty with $select)
  std::string body_type;            ///< "text" or "html"
  std::vector<std::string> categories;
  std::string importance;           ///< "low", "normal", "high"
  std::string inference;            ///< inferenceClassification: "focused", "other"
  bool is_read = false;
  bool is_draft = false;
  bool has_attachments = false;
  verdict decided_by;               ///< filled by the rule evaluator before storing
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, email& x) {
  return f(x.tenant, x.user, x.mailbox, x.folder, x.graph_id,
           x.change_key, x.internet_message_id, x.conversation_id, x.subject, x.from, x.to, x.cc,
           x.bcc, x.received_at, x.sent_at, x.body_preview, x.body, x.body_type, x.categories,
           x.importance, x.inference, x.is_read, x.is_draft, x.has_attachments, x.decided_by);
}

} // namespace m365
