// The one CAF type-id block of m365sync: every type and atom that crosses an actor boundary.
// A host application registers them with `cfg.add_message_types<caf::id_block::m365>()`
// (m365::register_message_types does that and the error categories too).
#pragma once

#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/type_id.hpp>

#include "messages/email.hpp"
#include "messages/engine.hpp"
#include "messages/error_registration.hpp"
#include "messages/event.hpp"
#include "messages/lifecycle.hpp"
#include "messages/pages.hpp"
#include "messages/rule.hpp"
#include "messages/rule_admin.hpp"
#include "messages/rule_explanation.hpp"
#include "messages/rule_set_snapshot.hpp"
#include "messages/sync_state.hpp"
#include "messages/tenant.hpp"

// The compiled rule set travels by pointer between local actors only (see
// rule_set_snapshot.hpp). Declared before the block, so that make_message and the block's
// type-erased value (whose save/load then skip it) accept it.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(m365::rule_set_snapshot)

CAF_BEGIN_TYPE_ID_BLOCK(m365, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(m365, (m365::participant))
  CAF_ADD_TYPE_ID(m365, (m365::attendee))
  CAF_ADD_TYPE_ID(m365, (m365::verdict))
  CAF_ADD_TYPE_ID(m365, (m365::email))
  CAF_ADD_TYPE_ID(m365, (std::vector<m365::email>))
  CAF_ADD_TYPE_ID(m365, (m365::recurrence))
  CAF_ADD_TYPE_ID(m365, (m365::event))
  CAF_ADD_TYPE_ID(m365, (std::vector<m365::event>))
  CAF_ADD_TYPE_ID(m365, (m365::tenant_settings))
  CAF_ADD_TYPE_ID(m365, (m365::user_assignment))
  CAF_ADD_TYPE_ID(m365, (m365::rule))
  CAF_ADD_TYPE_ID(m365, (std::vector<m365::rule>))
  CAF_ADD_TYPE_ID(m365, (m365::delta_link))
  CAF_ADD_TYPE_ID(m365, (m365::sync_log_line))
  CAF_ADD_TYPE_ID(m365, (m365::email_page))
  CAF_ADD_TYPE_ID(m365, (m365::event_page))
  CAF_ADD_TYPE_ID(m365, (m365::commit_ack))
  CAF_ADD_TYPE_ID(m365, (m365::tenant_state))
  CAF_ADD_TYPE_ID(m365, (m365::mailbox_state))
  CAF_ADD_TYPE_ID(m365, (m365::token_state))
  CAF_ADD_TYPE_ID(m365, (m365::stream_kind))
  CAF_ADD_TYPE_ID(m365, (m365::token_status))
  CAF_ADD_TYPE_ID(m365, (m365::access_token))
  CAF_ADD_TYPE_ID(m365, (m365::mailbox_status))
  CAF_ADD_TYPE_ID(m365, (m365::tenant_status))
  CAF_ADD_TYPE_ID(m365, (std::vector<m365::tenant_status>))
  CAF_ADD_TYPE_ID(m365, (m365::round_report))
  CAF_ADD_TYPE_ID(m365, (m365::rule_set_snapshot))
  CAF_ADD_TYPE_ID(m365, (m365::rule_explanation))
  CAF_ADD_TYPE_ID(m365, (m365::rule_change))
  CAF_ADD_TYPE_ID(m365, (m365::rule_preview_report))
  CAF_ADD_TYPE_ID(m365, (m365::rule_purge_report))
  CAF_ADD_TYPE_ID(m365, (m365::purge_plan))
  CAF_ADD_TYPE_ID(m365, (m365::rule_put_result))
  CAF_ADD_TYPE_ID(m365, (m365::rule_evaluator_status))
  CAF_ADD_ATOM(m365, m365, commit_atom, "commit")
  CAF_ADD_ATOM(m365, m365, flush_atom, "flush")
  CAF_ADD_ATOM(m365, m365, sync_atom, "sync")
  CAF_ADD_ATOM(m365, m365, tick_atom, "tick")
  CAF_ADD_ATOM(m365, m365, token_atom, "token")
  CAF_ADD_ATOM(m365, m365, status_atom, "status")
  CAF_ADD_ATOM(m365, m365, put_atom, "put")
  CAF_ADD_ATOM(m365, m365, remove_atom, "remove")
  CAF_ADD_ATOM(m365, m365, enable_atom, "enable")
  CAF_ADD_ATOM(m365, m365, assign_atom, "assign")
  CAF_ADD_ATOM(m365, m365, unassign_atom, "unassign")
  CAF_ADD_ATOM(m365, m365, credential_atom, "credential")
  CAF_ADD_ATOM(m365, m365, crash_atom, "crash")
  CAF_ADD_ATOM(m365, m365, fetched_atom, "fetched")
  CAF_ADD_ATOM(m365, m365, failed_atom, "failed")
  CAF_ADD_ATOM(m365, m365, restart_atom, "restart")
  CAF_ADD_ATOM(m365, m365, round_atom, "round")
  CAF_ADD_ATOM(m365, m365, group_commit_atom, "grpcommit")  // persistence actor's own trigger
  CAF_ADD_ATOM(m365, m365, rules_atom, "rules")
  CAF_ADD_ATOM(m365, m365, subscribe_atom, "subscribe")
  CAF_ADD_ATOM(m365, m365, list_atom, "list")
  CAF_ADD_ATOM(m365, m365, explain_atom, "explain")
  CAF_ADD_ATOM(m365, m365, preview_atom, "preview")
  CAF_ADD_ATOM(m365, m365, purge_atom, "purge")
CAF_END_TYPE_ID_BLOCK(m365)

namespace caf { class actor_system_config; }

namespace m365 {
/// Registers the m365 type-id block and the error categories with a CAF config.
void register_message_types(caf::actor_system_config& cfg);
} // namespace m365
