#include "sim/message_json.hpp"

#include "sim/json_text.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

constexpr std::string_view prop_names[] = {
  "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime",
  "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance",
  "parentFolderId", "conversationId", "isDeliveryReceiptRequested", "isReadReceiptRequested",
  "isRead", "isDraft", "webLink", "inferenceClassification", "body", "sender", "from",
  "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag"};
static_assert(sizeof(prop_names) / sizeof(prop_names[0]) == message_prop_count);

bool is_dynamic(size_t p) {
  auto mp = static_cast<message_prop>(p);
  return mp == message_prop::is_read || mp == message_prop::web_link || mp == message_prop::body;
}

void append_address(std::string& out, const email_address& a) {
  out.append("{\"emailAddress\":{");
  json::append_member(out, "name", a.name);
  out.push_back(',');
  json::append_member(out, "address", a.address);
  out.append("}}");
}

void append_addresses(std::string& out, const std::vector<email_address>& list) {
  out.push_back('[');
  for (size_t i = 0; i < list.size(); ++i) {
    if (i)
      out.push_back(',');
    append_address(out, list[i]);
  }
  out.push_back(']');
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

// Pre-escaped HTML envelope of seeded bodies (the pool needs no escaping).
constexpr std::string_view body_head =
  "\"body\":{\"contentType\":\"html\",\"content\":\"<html>\\r\\n<head>\\r\\n<meta http-equiv=\\\"Content-Type\\\" "
  "content=\\\"text/html; charset=utf-8\\\">\\r\\n</head>\\r\\n<body>\\r\\n<div>";
constexpr std::string_view body_tail = "</div>\\r\\n</body>\\r\\n</html>\\r\\n\"}";

void append_url_encoded(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
}

} // namespace

m365::expected<uint64_t> message_json::parse_select(std::string_view list) {
  uint64_t mask = 0;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ')
      name.remove_suffix(1);
    if (name.empty() || ieq(name, "id"))
      continue;
    bool found = false;
    for (size_t p = 0; p < message_prop_count; ++p) {
      if (ieq(name, prop_names[p])) {
        mask |= 1ULL << p;
        found = true;
        break;
      }
    }
    if (!found)
      return m365::status::invalid_argument("Could not find a property named '" + std::string(name) +
                                            "' on type 'microsoft.graph.message'.");
  }
  // `$select=id` alone still selects something: mark the mask non-zero with an unused bit.
  return mask == 0 ? (1ULL << 63) : mask;
}

void message_json::build_cache(const dataset& data, const message_fields& m, std::string_view folder_id,
                               std::string_view change_key, int64_t created, int64_t modified,
                               message_cache& c) {
  std::string& out = c.text;
  out.clear();
  out.reserve(640);
  for (size_t p = 0; p < message_prop_count; ++p) {
    c.off[p] = static_cast<uint32_t>(out.size());
    if (is_dynamic(p))
      continue;
    json::append_key(out, prop_names[p]);
    switch (static_cast<message_prop>(p)) {
      case message_prop::created_date_time: json::append_string(out, format_utc_z(created)); break;
      case message_prop::last_modified_date_time: json::append_string(out, format_utc_z(modified)); break;
      case message_prop::change_key: json::append_string(out, change_key); break;
      case message_prop::categories:
        out.push_back('[');
        for (size_t i = 0; i < m.categories.size(); ++i) {
          if (i)
            out.push_back(',');
          json::append_string(out, m.categories[i]);
        }
        out.push_back(']');
        break;
      case message_prop::received_date_time: json::append_string(out, format_utc_z(m.received)); break;
      case message_prop::sent_date_time: json::append_string(out, format_utc_z(m.sent)); break;
      case message_prop::has_attachments: out.append(m.has_attachments ? "true" : "false"); break;
      case message_prop::internet_message_id: json::append_string(out, m.internet_message_id); break;
      case message_prop::subject: json::append_string(out, m.subject); break;
      case message_prop::body_preview:
        if (m.body_html) {
          std::string preview;
          bool tag = false;
          for (char ch : *m.body_html) {
            if (ch == '<')
              tag = true;
            else if (ch == '>')
              tag = false;
            else if (!tag && preview.size() < 255)
              preview.push_back(ch);
          }
          json::append_string(out, preview);
        } else {
          json::append_string(out, data.body_preview(m.body_offset, m.body_length));
        }
        break;
      case message_prop::importance: json::append_string(out, m.importance); break;
      case message_prop::parent_folder_id: json::append_string(out, folder_id); break;
      case message_prop::conversation_id: json::append_string(out, m.conversation_id); break;
      case message_prop::is_delivery_receipt_requested: out.append("false"); break;
      case message_prop::is_read_receipt_requested: out.append("false"); break;
      case message_prop::is_draft: out.append(m.is_draft ? "true" : "false"); break;
      case message_prop::inference_classification: json::append_string(out, m.inference); break;
      case message_prop::sender:
      case message_prop::from: append_address(out, m.from); break;
      case message_prop::to_recipients: append_addresses(out, m.to); break;
      case message_prop::cc_recipients: append_addresses(out, m.cc); break;
      case message_prop::bcc_recipients: out.append("[]"); break;
      case message_prop::reply_to: out.append("[]"); break;
      case message_prop::flag:
        out.append("{");
        json::append_member(out, "flagStatus", m.flag_status);
        out.append("}");
        break;
      default: break;
    }
  }
  c.off[message_prop_count] = static_cast<uint32_t>(out.size());
  c.is_read = m.is_read;
  c.body_offset = m.body_offset;
  c.body_length = m.body_length;
}

std::string_view message_json::change_key_of(const message_cache& c) {
  size_t p = static_cast<size_t>(message_prop::change_key);
  std::string_view slice(c.text.data() + c.off[p], c.off[p + 1] - c.off[p]);
  // `"changeKey":"…"`
  return slice.substr(13, slice.size() - 14);
}

void message_json::write(std::string& out, const dataset& data, const message_cache& c,
                         const message_render& how) {
  out.append("{\"@odata.type\":\"#microsoft.graph.message\",\"@odata.etag\":\"W/\\\"");
  out.append(change_key_of(c));
  out.append("\\\"\",");
  for (size_t p = 0; p < message_prop_count; ++p) {
    if (how.select != 0 && !(how.select >> p & 1))
      continue;
    switch (static_cast<message_prop>(p)) {
      case message_prop::is_read:
        out.append("\"isRead\":");
        if (how.is_read_as_string)
          out.append(c.is_read ? "\"true\"" : "\"false\"");
        else
          out.append(c.is_read ? "true" : "false");
        break;
      case message_prop::web_link:
        out.append("\"webLink\":\"https://outlook.office365.com/owa/?ItemID=");
        append_url_encoded(out, how.id);
        out.append("&exvsurl=1&viewmodel=ReadMessageItem\"");
        break;
      case message_prop::body:
        if (how.explicit_body) {
          out.append("\"body\":{\"contentType\":\"html\",");
          json::append_member(out, "content", *how.explicit_body);
          out.push_back('}');
        } else {
          out.append(body_head);
          out.append(data.body_pool().substr(c.body_offset, c.body_length));
          out.append(body_tail);
        }
        break;
      default:
        out.append(c.text, c.off[p], c.off[p + 1] - c.off[p]);
    }
    out.push_back(',');
  }
  out.append("\"id\":\"");
  out.append(how.id);
  out.append("\"}");
}

void message_json::write_removed(std::string& out, std::string_view id) {
  out.append("{\"@odata.type\":\"#microsoft.graph.message\",\"id\":\"");
  out.append(id);
  out.append("\",\"@removed\":{\"reason\":\"deleted\"}}");
}

} // namespace m365::sim
