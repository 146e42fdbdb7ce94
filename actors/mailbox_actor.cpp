// The mail side of the delta-stream core: one stream per configured folder (see the header).
#include "actors/mailbox_actor.hpp"

#include "actors/delta_stream.hpp"

namespace m365 {

namespace {

struct mail_kind {
  using page_type = email_page;
  static constexpr stream_kind kind = stream_kind::mail;
  static constexpr const char* name = "mailbox_actor";

  static std::vector<std::string> folders(const tenant_settings& t) { return t.folders; }
  static uint32_t interval_s(const tenant_settings& t) { return t.email_interval_s; }
  static void before_round(delta_cursor&, const tenant_settings&, timestamp_ms) {}
  static void fetch(graph_port& port, const delta_request& req, const access_token& token,
                    graph_port::email_callback done) {
    port.fetch_messages(req, token, std::move(done));
  }
  /// Graph's message carries no folder name; rules (`folder`) and the store need it.
  static void stamp(email& item, const std::string& folder) { item.folder = folder; }
};

} // namespace

mailbox_actor spawn_mailbox_actor(caf::local_actor* parent, stream_context context) {
  return caf::actor_cast<mailbox_actor>(
    parent->spawn<caf::linked>(delta_stream_behavior<mail_kind>, std::move(context)));
}

} // namespace m365
