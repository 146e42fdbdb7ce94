// CAF set-up shared by the commands that run actors (serve, demo).
#include "apps/m365sync/sync_actor_config.hpp"

#include "messages/type_ids.hpp"

namespace m365::cli {

sync_actor_config::sync_actor_config(uint32_t threads) {
  register_message_types(*this);
  if (threads > 0) set("scheduler.max-threads", static_cast<size_t>(threads));
}

} // namespace m365::cli
