// Ownership: see header.
#include "adapters/message_page_decoder.hpp"

#include <algorithm>

#include "adapters/json_fields.hpp"
#include "adapters/json_parser_slot.hpp"

namespace m365 {

namespace {

constexpr const char* page_what = "messages page";

bool read_body(json_value v, email& out, field_error& err) {
  simdjson::ondemand::json_type t{};
  if (auto e = v.type().get(t))
    return err.fail(e, "body", "object");
  if (t == simdjson::ondemand::json_type::null)
    return true;
  if (t != simdjson::ondemand::json_type::object)
    return err.fail(simdjson::INCORRECT_TYPE, "body", "object");
  simdjson::ondemand::object obj;
  if (auto e = v.get_object().get(obj))
    return err.fail(e, "body", "object");
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, "body", "object");
    auto key = f.key();
    if (key == "content") {
      if (!read_string(f.value(), out.body, err, "content"))
        return err.fail(err.code, "body", "");
    } else if (key == "contentType") {
      if (!read_string(f.value(), out.body_type, err, "contentType"))
        return err.fail(err.code, "body", "");
    }
  }
  return true;
}

/// One element of "value". Sets `removed` for an `@removed` entry (only its id matters then).
bool read_message(json_value v, email& m, bool& removed, field_error& err) {
  simdjson::ondemand::object obj;
  if (auto e = v.get_object().get(obj))
    return err.fail(e, "", "object");
  participant sender;
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, "", "object");
    auto key = f.key();
    bool ok = true;
    if (key == "id") ok = read_string(f.value(), m.graph_id, err, "id");
    else if (key == "subject") ok = read_string(f.value(), m.subject, err, "subject");
    else if (key == "from") ok = read_recipient(f.value(), m.from, err, "from");
    else if (key == "sender") ok = read_recipient(f.value(), sender, err, "sender");
    else if (key == "toRecipients") ok = read_recipients(f.value(), m.to, err, "toRecipients");
    else if (key == "ccRecipients") ok = read_recipients(f.value(), m.cc, err, "ccRecipients");
    else if (key == "bccRecipients") ok = read_recipients(f.value(), m.bcc, err, "bccRecipients");
    else if (key == "receivedDateTime") ok = read_timestamp(f.value(), m.received_at, err, "receivedDateTime");
    else if (key == "sentDateTime") ok = read_timestamp(f.value(), m.sent_at, err, "sentDateTime");
    else if (key == "internetMessageId") ok = read_string(f.value(), m.internet_message_id, err, "internetMessageId");
    else if (key == "conversationId") ok = read_string(f.value(), m.conversation_id, err, "conversationId");
    else if (key == "changeKey") ok = read_string(f.value(), m.change_key, err, "changeKey");
    else if (key == "bodyPreview") ok = read_string(f.value(), m.body_preview, err, "bodyPreview");
    else if (key == "body") ok = read_body(f.value(), m, err);
    else if (key == "categories") ok = read_string_array(f.value(), m.categories, err, "categories");
    else if (key == "importance") ok = read_string(f.value(), m.importance, err, "importance");
    else if (key == "inferenceClassification") ok = read_string(f.value(), m.inference, err, "inferenceClassification");
    else if (key == "isRead") ok = read_bool(f.value(), m.is_read, err, "isRead");
    else if (key == "isDraft") ok = read_bool(f.value(), m.is_draft, err, "isDraft");
    else if (key == "hasAttachments") ok = read_bool(f.value(), m.has_attachments, err, "hasAttachments");
    else if (key == "@removed") removed = true;
    if (!ok)
      return false;
  }
  if (m.from.address.empty() && m.from.name.empty())
    m.from = std::move(sender);
  return true;
}

} // namespace

message_page_decoder::message_page_decoder(decoder_limits limits)
  : limits_(limits), parser_(std::make_unique<json_parser_slot>()) {
  // Preallocates for a typical page; iterate() grows the buffers (keeping max_depth) on demand.
  if (parser_->parser.allocate(1u << 20, limits_.max_depth) != simdjson::SUCCESS)
    parser_->parser = simdjson::ondemand::parser{};
}

message_page_decoder::~message_page_decoder() = default;
message_page_decoder::message_page_decoder(message_page_decoder&&) noexcept = default;
message_page_decoder& message_page_decoder::operator=(message_page_decoder&&) noexcept = default;

expected<email_page> message_page_decoder::decode(const padded_body& body,
                                                  const page_context& ctx) {
  if (auto checked = check_page_body(body, limits_, page_what); !checked)
    return checked;
  email_page page;
  field_error err;
  std::string where;
  size_t index = 0;
  bool in_item = false;  // the failing item's position is formatted only on failure
  auto fail = [&]() -> expected<email_page> {
    if (in_item)
      where = "value[" + std::to_string(index) + "]";
    return decode_failure(page_what, where, err);
  };
  simdjson::ondemand::document doc;
  if (auto e = parser_->parser.iterate(body.view().data(), body.size(), body.bytes().capacity()).get(doc)) {
    err.fail(e, "", "object");
    return fail();
  }
  simdjson::ondemand::object root;
  if (auto e = doc.get_object().get(root)) {
    err.fail(e, "", "object");
    where = "top level";
    return fail();
  }
  std::string next_link, delta_link;
  const size_t reserve = ctx.expected_items ? ctx.expected_items
                                            : std::min<size_t>(body.size() / 1024 + 1, 1000);
  for (auto field : root) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f)) {
      err.fail(e, "", "object");
      where = "top level";
      return fail();
    }
    auto key = f.key();
    if (key == "value") {
      simdjson::ondemand::array arr;
      if (auto e = f.value().get_array().get(arr)) {
        err.fail(e, "value", "array");
        return fail();
      }
      page.items.reserve(reserve);
      in_item = true;
      for (auto element : arr) {
        json_value v;
        email m;
        bool removed = false;
        if (auto e = std::move(element).get(v)) {
          err.fail(e, "", "object");
          return fail();
        }
        if (!read_message(v, m, removed, err))
          return fail();
        if (m.graph_id.empty()) {
          err.fail(simdjson::INCORRECT_TYPE, "id", "non-empty string");
          return fail();
        }
        if (removed) {
          page.removed_ids.push_back(std::move(m.graph_id));
        } else {
          m.tenant = ctx.tenant;
          m.user = ctx.user;
          m.mailbox = ctx.mailbox;
          m.folder = ctx.folder;
          page.items.push_back(std::move(m));
        }
        ++index;
      }
      in_item = false;
    } else if (key == "@odata.nextLink") {
      if (!read_string(f.value(), next_link, err, "@odata.nextLink"))
        return fail();
    } else if (key == "@odata.deltaLink") {
      if (!read_string(f.value(), delta_link, err, "@odata.deltaLink"))
        return fail();
    }
  }
  if (!at_document_end(doc)) {
    err.fail(simdjson::TRAILING_CONTENT, "", "");
    where = "after the top-level object";
    return fail();
  }
  if (auto linked = set_page_link(std::move(next_link), std::move(delta_link), ctx, page_what,
                                  page.link, page.final_page);
      !linked)
    return linked;
  return page;
}

} // namespace m365
