// Ownership: free function; each call owns its parser, so calls may run on any thread.
// JSON objects with a key given twice: Boost.JSON keeps the last value silently, which hides
// exactly the kind of editing mistake the config loader is there to catch.
#pragma once

#include <string_view>

#include <boost/json/parse_options.hpp>

#include "config/problem_list.hpp"

namespace m365 {

/// Adds "<path>: duplicate key (only the last value would count)" for every key that appears
/// twice in one object of `text`. Call it only on text that parses with `options`.
void find_duplicate_keys(std::string_view text, const boost::json::parse_options& options,
                         problem_list& problems);

} // namespace m365
