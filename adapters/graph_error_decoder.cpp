// Ownership: see header.
#include "adapters/graph_error_decoder.hpp"

#include "adapters/json_fields.hpp"

namespace m365 {

namespace {

constexpr const char* what = "Graph error body";

bool read_inner(json_value v, graph_error_body& out, field_error& err) {
  simdjson::ondemand::json_type t{};
  if (auto e = v.type().get(t))
    return err.fail(e, "innerError", "object");
  if (t == simdjson::ondemand::json_type::null)
    return true;
  simdjson::ondemand::object obj;
  if (auto e = v.get_object().get(obj))
    return err.fail(e, "innerError", "object");
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f))
      return err.fail(e, "innerError", "object");
    auto key = f.key();
    bool ok = true;
    if (key == "code") ok = read_string(f.value(), out.inner_code, err, "code");
    else if (key == "request-id") ok = read_string(f.value(), out.request_id, err, "request-id");
    if (!ok)
      return err.fail(err.code, "innerError", "");
  }
  return true;
}

} // namespace

expected<graph_error_body> decode_graph_error(const padded_body& body) {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (auto opened = open_object(body, parser, doc, root, what); !opened)
    return opened;
  field_error err;
  graph_error_body out;
  bool seen = false;
  for (auto field : root) {
    simdjson::ondemand::field f;
    if (auto e = std::move(field).get(f)) {
      err.fail(e, "", "object");
      return decode_failure(what, "top level", err);
    }
    if (!(f.key() == "error"))
      continue;
    simdjson::ondemand::object obj;
    if (auto e = f.value().get_object().get(obj)) {
      err.fail(e, "error", "object");
      return decode_failure(what, "", err);
    }
    seen = true;
    for (auto inner : obj) {
      simdjson::ondemand::field g;
      if (auto e = std::move(inner).get(g)) {
        err.fail(e, "error", "object");
        return decode_failure(what, "", err);
      }
      auto key = g.key();
      bool ok = true;
      if (key == "code") ok = read_string(g.value(), out.code, err, "code");
      else if (key == "message") ok = read_string(g.value(), out.message, err, "message");
      else if (key == "innerError" || key == "innererror") ok = read_inner(g.value(), out, err);
      if (!ok) {
        err.fail(err.code, "error", "");
        return decode_failure(what, "", err);
      }
    }
  }
  if (!at_document_end(doc)) {
    err.fail(simdjson::TRAILING_CONTENT, "", "");
    return decode_failure(what, "after the top-level object", err);
  }
  if (!seen)
    return status::corrupted(std::string(what) + ": no \"error\" object");
  return out;
}

} // namespace m365
