// Ownership: free functions; pure, safe from any thread.
// The JSON-lines form of stored activities written by `m365sync export` (one object per line).
#pragma once

#include <string>

#include "messages/email.hpp"
#include "messages/event.hpp"

namespace m365::cli {

/// `{"kind":"email","tenant","user","mailbox","graph_id","internet_message_id","subject",
///   "folder","received_at","sent_at" (ISO 8601 UTC),"from","to","cc","bcc" ({name,address}),
///   "categories","importance","rule":{"action","id","version"}}` (rule is null when no rule
///   matched). The body is left out: an export is for indexing and audits, not a mail archive.
std::string activity_json_line(const email& e);

/// `{"kind":"event","tenant","user","mailbox","graph_id","ical_uid","type","subject","start",
///   "end","is_all_day","organizer","attendees":[{name,address,type,response}],"location",
///   "sensitivity","show_as","categories","rule"}`; folder is "calendar".
std::string activity_json_line(const event& e);

} // namespace m365::cli
