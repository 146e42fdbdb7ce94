// Ownership: declarations only. Registers the per-area error enums of messages/errors.hpp with
// CAF, so `caf::make_error(graph_errc::throttled, ...)` works and a caf::error names its area
// ("graph") and code. CAF side of the vocabulary: included by the type-id block and actors/ only
// (store/, rules/, adapters/ and config/ use the enums without CAF).
#pragma once

#include <caf/error.hpp>
#include <caf/make_message.hpp>  // CAF_ERROR_CODE_ENUM builds the context with it
#include <caf/message.hpp>       // CAF_ERROR_CODE_ENUM needs the complete type

#include "messages/errors.hpp"

CAF_ERROR_CODE_ENUM(m365::store_errc, "store")
CAF_ERROR_CODE_ENUM(m365::graph_errc, "graph")
CAF_ERROR_CODE_ENUM(m365::token_errc, "token")
CAF_ERROR_CODE_ENUM(m365::config_errc, "config")
CAF_ERROR_CODE_ENUM(m365::sync_errc, "sync")
