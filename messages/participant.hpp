// Ownership: value types. A mail or meeting participant as Graph reports it (emailAddress).
#pragma once

#include <string>


namespace m365 {

struct participant {
  std::string name;
  std::string address;  ///< as received; compare with lower-cased copies
  friend bool operator==(const participant& a, const participant& b) {
    return a.name == b.name && a.address == b.address;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, participant& x) {
  return f(x.name, x.address);
}

/// Attendee of an event: a participant with its role and response.
struct attendee {
  participant who;
  std::string type;      ///< "required", "optional", "resource"
  std::string response;  ///< "none", "organizer", "accepted", "declined", "tentativelyAccepted", ...
  friend bool operator==(const attendee& a, const attendee& b) {
    return a.who == b.who && a.type == b.type && a.response == b.response;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attendee& x) {
  return f(x.who, x.type, x.response);
}

} // namespace m365
