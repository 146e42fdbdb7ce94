// Ownership: owned by one decoder, used by one thread at a time. Wraps the simdjson ondemand
// parser so decoder headers do not expose simdjson's implementation-specific types: the
// adapters are compiled with SSE4.2 on x86-64 (simdjson's "westmere" kernel) while code that
// includes the decoder headers may not be, and `simdjson::ondemand` names a different
// namespace under different flags.
#pragma once

#include <simdjson.h>

namespace m365 {

struct json_parser_slot {
  simdjson::ondemand::parser parser;
};

} // namespace m365
