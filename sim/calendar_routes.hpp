// Ownership: stateless request handlers, thread-safe (mailbox state is locked inside).
// Graph calendar routes: calendarView delta with its window baked into the links, and event
// POST (transactionId idempotency) / GET / PATCH (If-Match) / DELETE.
#pragma once

#include "sim/graph_request.hpp"

namespace m365::sim {

/// `GET …/calendarView/delta?startDateTime=…&endDateTime=…` (or a nextLink / deltaLink).
sim_response calendar_delta(const graph_scope& s);
/// `POST …/events`, `GET|PATCH|DELETE …/events/{id}`.
sim_response event_routes(const graph_scope& s);

} // namespace m365::sim
