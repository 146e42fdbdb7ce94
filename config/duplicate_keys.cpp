// A SAX pass (boost::json::basic_parser) that tracks the keys of every open object.
#include "config/duplicate_keys.hpp"

#include <set>
#include <string>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace m365 {

namespace {

class duplicate_key_handler {
public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit duplicate_key_handler(problem_list& problems) : problems_(problems) {}

  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return open(true); }
  bool on_object_end(std::size_t, error_code&) { return close(); }
  bool on_array_begin(error_code&) { return open(false); }
  bool on_array_end(std::size_t, error_code&) { return close(); }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code&) { return scalar(); }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    auto& top = frames_.back();
    top.key = key_;
    if (!top.keys.insert(key_).second) {
      problems_.add(path(), "duplicate key (only the last value would count)");
    }
    key_.clear();
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(int64_t, string_view, error_code&) { return scalar(); }
  bool on_uint64(uint64_t, string_view, error_code&) { return scalar(); }
  bool on_double(double, string_view, error_code&) { return scalar(); }
  bool on_bool(bool, error_code&) { return scalar(); }
  bool on_null(error_code&) { return scalar(); }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

private:
  struct frame {
    bool object = false;
    std::set<std::string> keys;  ///< objects: keys seen so far
    std::string key;             ///< objects: the member being read
    size_t next_index = 0;       ///< arrays: index of the next element
    size_t index = 0;            ///< arrays: index of the element being read
  };

  /// A value starts inside the innermost container: in an array it takes the next index.
  void value_starts() {
    if (!frames_.empty() && !frames_.back().object) frames_.back().index = frames_.back().next_index++;
  }
  bool open(bool object) {
    value_starts();
    frames_.emplace_back().object = object;
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  bool scalar() {
    value_starts();
    return true;
  }

  /// The loader's path notation: tenants[1].schedule.email_interval_s
  std::string path() const {
    std::string out;
    for (const auto& f : frames_) {
      if (f.object) {
        if (!out.empty()) out += '.';
        out += f.key;
      } else {
        out += "[" + std::to_string(f.index) + "]";
      }
    }
    return out;
  }

  problem_list& problems_;
  std::vector<frame> frames_;
  std::string key_;
};

} // namespace

void find_duplicate_keys(std::string_view text, const boost::json::parse_options& options,
                         problem_list& problems) {
  boost::json::basic_parser<duplicate_key_handler> parser{options, problems};
  boost::json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
}

} // namespace m365
