// The registration of the type-id block and the error categories with a CAF config.
#include "messages/type_ids.hpp"

#include <caf/actor_system_config.hpp>

namespace m365 {

namespace {

template <class Enum>
void add_category(caf::actor_system_config& cfg, caf::atom_value category) {
  // The three-argument renderer form: add_error_category<T>(atom) does not compile on 0.17.6.
  cfg.add_error_category(category, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    std::string out = to_string(static_cast<Enum>(code));
    if (ctx.match_elements<std::string>()) {
      out += ": ";
      out += ctx.get_as<std::string>(0);
    } else if (!ctx.empty()) {
      out += " ";
      out += to_string(ctx);
    }
    return out;
  });
}

} // namespace

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::m365>();
  add_category<store_errc>(cfg, caf::atom("store"));
  add_category<graph_errc>(cfg, caf::atom("graph"));
  add_category<token_errc>(cfg, caf::atom("token"));
  add_category<config_errc>(cfg, caf::atom("config"));
  add_category<sync_errc>(cfg, caf::atom("sync"));
}

} // namespace m365
