// Ownership: value types and a pure function; safe from any thread. The parsed and validated
// form of a rule's `match` JSON tree. Parsing is where every user-facing error about a predicate
// is produced; the compiler and explain() build on the tree it returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/expected.hpp"
#include "rules/predicate_field.hpp"

namespace m365 {

/// Node kinds: combinators and leaves.
enum class predicate_op : uint8_t { all, any, negate, leaf };

/// One node of a match tree.
///
/// Semantics (shared by the compiled and the reference evaluator):
/// * `all` is true when every child is (so `{"all": []}` matches every item: the explicit
///   catch-all); `any` when at least one child is; `not` negates its one child. An object with
///   several keys is the `all` of its keys.
/// * A leaf with a list is true when the item's field equals (or, for *_contains, contains) any
///   listed value. Comparisons fold ASCII case, except `subject_regex` (RE2, case-sensitive unless
///   the pattern says `(?i)`), searched anywhere in the subject (unanchored).
/// * Participants are the sender (event: organizer) and the recipients (email: to, cc, bcc;
///   event: attendees); participants with an empty address are ignored. A domain is what follows
///   the last '@' and must equal a listed domain exactly (`example.com` does not match
///   `news.example.com`).
/// * `internal_only: true` holds when the item has at least one participant and every
///   participant's domain is one of the tenant's internal domains; `internal_only: false` is its
///   negation. `recurring: b` holds when an event's recurring state (not a single instance, or a
///   recurrence pattern is set) equals b.
/// * A leaf over a field the item kind does not carry (events: folder; emails: sensitivity,
///   recurring, show_as) is false; so is a leaf over an empty field.
struct predicate_node {
  predicate_op op = predicate_op::all;
  predicate_field field = predicate_field::sender_address;  ///< leaves only
  /// Leaves: the listed values, ASCII-folded (regex patterns verbatim). Empty for booleans.
  std::vector<std::string> values;
  bool flag = false;                    ///< boolean leaves: the wanted value
  std::vector<predicate_node> children; ///< all/any: the operands; not: exactly one
  std::string path;                     ///< where it came from, e.g. "match.any[1].subject_regex"
};

/// Deepest nesting of objects accepted in a match tree.
constexpr int max_predicate_depth = 32;
/// JSON nesting the parser accepts: each predicate level is an object plus, under all/any, an
/// array, so twice the predicate depth and some slack.
constexpr size_t json_depth_limit = 2 * max_predicate_depth + 8;
/// Largest match text accepted, in bytes.
constexpr size_t max_predicate_bytes = 256 * 1024;

/// Where parse_predicate() stopped: the path of the offending node and what is wrong with it.
struct predicate_error {
  std::string path;  ///< e.g. "match.any[1].subject_regex"
  std::string what;  ///< e.g. "invalid regex: missing ): (abc"
};

/// Parses and validates a `match` JSON text. Errors are `invalid_argument` with a message that
/// starts with the path of the offending node, e.g.
/// `match.any[1].subject_regex: invalid regex: missing ): (abc`; when `error` is given, it
/// receives the path and the problem apart (for decoders that map paths into their own).
expected<predicate_node> parse_predicate(std::string_view match_json,
                                         predicate_error* error = nullptr);

/// Calls `visit(const predicate_node&)` for every leaf of the tree, left to right.
template <class F>
void for_each_leaf(const predicate_node& node, F&& visit) {
  if (node.op == predicate_op::leaf) {
    visit(node);
    return;
  }
  for (const auto& child : node.children)
    for_each_leaf(child, visit);
}

} // namespace m365
