// Ownership: spawned and linked by a tenant supervisor, one per assigned user: the user's
// calendar, one calendarView delta stream over a window of whole UTC days
// [today - calendar_past_days, today + calendar_future_days), rolled daily (a new window starts
// a fresh delta round; events that left the window stay in the CRM as history).
// Threading: an event-based actor (the shared delta-stream core, actors/delta_stream.hpp).
#pragma once

#include <caf/fwd.hpp>

#include "actors/stream_context.hpp"
#include "messages/interfaces.hpp"

namespace m365 {

/// Spawns the calendar actor of `context.user`, linked to `parent` (its tenant supervisor).
calendar_actor spawn_calendar_actor(caf::local_actor* parent, stream_context context);

} // namespace m365
