// Deterministic sample data; see sample_data.hpp.
#include "tests/store/sample_data.hpp"

#include <cctype>
#include <functional>
#include <random>

namespace m365::sample {

namespace {

constexpr const char* words[] = {
  "quarterly", "review", "proposal", "contract", "renewal", "invoice", "meeting", "agenda",
  "budget", "forecast", "pipeline", "customer", "onboarding", "migration", "roadmap", "release",
  "security", "compliance", "audit", "travel", "schedule", "workshop", "feedback", "draft",
  "signature", "pricing", "discount", "support", "escalation", "update", "summary", "minutes",
  "the", "and", "for", "with", "please", "attached", "regards", "thanks", "next", "week",
  "Contoso", "Fabrikam", "Northwind", "Litware", "Tailspin", "AdventureWorks", "deadline",
};
constexpr size_t word_count = sizeof(words) / sizeof(words[0]);

constexpr const char* names[] = {"Adele Vance", "Megan Bowen", "Alex Wilber", "Diego Siciliani",
                                 "Isaiah Langer", "Johanna Lorenz", "Lee Gu", "Lidia Holloway",
                                 "Lynne Robbins", "Miriam Graham", "Nestor Wilke", "Patti Fernandez"};
constexpr const char* domains[] = {"contoso.com", "fabrikam.com", "client.example",
                                   "northwind.example", "news.example.com"};

std::string sentence(std::mt19937_64& rng, size_t words_wanted) {
  std::string out;
  for (size_t i = 0; i < words_wanted; ++i) {
    if (i > 0) out += ' ';
    out += words[rng() % word_count];
  }
  return out;
}

participant person(std::mt19937_64& rng) {
  std::string name = names[rng() % (sizeof(names) / sizeof(names[0]))];
  std::string local;
  for (char c : name) local += c == ' ' ? '.' : static_cast<char>(std::tolower(c));
  return {name, local + "@" + domains[rng() % (sizeof(domains) / sizeof(domains[0]))]};
}

} // namespace

email make_email(const std::string& tenant, const std::string& user, const std::string& folder,
                 const std::string& graph_id, uint64_t seed, const std::string& message_id) {
  std::mt19937_64 rng{seed};
  email e;
  e.tenant = tenant;
  e.user = user;
  e.mailbox = user + "@" + tenant + ".example";
  e.folder = folder;
  e.graph_id = graph_id;
  e.change_key = "CQAAABYAAAA" + std::to_string(rng() % 100000);
  e.internet_message_id =
    message_id.empty() ? "<" + std::to_string(seed) + ".msg@" + domains[seed % 5] + ">" : message_id;
  e.conversation_id = "AAQkAG" + std::to_string(rng() % 1000000);
  e.subject = "Re: " + sentence(rng, 4 + rng() % 6);
  e.from = person(rng);
  for (size_t i = 0, n = 1 + rng() % 4; i < n; ++i) e.to.push_back(person(rng));
  for (size_t i = 0, n = rng() % 3; i < n; ++i) e.cc.push_back(person(rng));
  e.received_at = 1'700'000'000'000 + static_cast<int64_t>(rng() % 90'000'000'000ULL);
  e.sent_at = e.received_at - static_cast<int64_t>(rng() % 60'000);
  size_t body_size = 3000 + rng() % 1000;
  std::string body = "<html><body><p>";
  while (body.size() < body_size) body += sentence(rng, 12) + ". ";
  body += "</p></body></html>";
  e.body = std::move(body);
  e.body_preview = e.body.substr(15, 255);
  e.body_type = "html";
  if (rng() % 3 == 0) e.categories = {"Client"};
  e.importance = rng() % 10 == 0 ? "high" : "normal";
  e.inference = rng() % 4 == 0 ? "other" : "focused";
  e.is_read = rng() % 2 == 0;
  e.has_attachments = rng() % 5 == 0;
  return e;
}

event make_event(const std::string& tenant, const std::string& user, const std::string& graph_id,
                 uint64_t seed, const std::string& ical_uid, event_kind kind) {
  std::mt19937_64 rng{seed};
  event ev;
  ev.tenant = tenant;
  ev.user = user;
  ev.mailbox = user + "@" + tenant + ".example";
  ev.graph_id = graph_id;
  ev.change_key = "DwAAABYAAAA" + std::to_string(rng() % 100000);
  ev.ical_uid = ical_uid.empty() ? "040000008200E00074C5B7101A82E008" + std::to_string(seed)
                                 : ical_uid;
  ev.kind = kind;
  ev.subject = sentence(rng, 3 + rng() % 4);
  ev.organizer = person(rng);
  for (size_t i = 0, n = 1 + rng() % 5; i < n; ++i)
    ev.attendees.push_back({person(rng), "required", "accepted"});
  ev.start = 1'700'000'000'000 + static_cast<int64_t>(rng() % 90'000'000'000ULL);
  ev.end = ev.start + 1'800'000;
  ev.time_zone = "W. Europe Standard Time";
  ev.location = "Room " + std::to_string(rng() % 40);
  ev.sensitivity = "normal";
  ev.show_as = "busy";
  ev.importance = "normal";
  ev.body_preview = sentence(rng, 20);
  if (kind == event_kind::series_master) {
    ev.pattern.pattern_type = "weekly";
    ev.pattern.interval = 1;
    ev.pattern.days_of_week = {"monday"};
    ev.pattern.range_type = "noEnd";
    ev.pattern.range_start = "2024-01-01";
  }
  return ev;
}

email_page make_email_page(const std::string& tenant, const std::string& user,
                           const std::string& folder, uint64_t page_no, size_t first,
                           size_t count, const std::string& id_prefix) {
  email_page page;
  page.link.tenant = tenant;
  page.link.user = user;
  page.link.folder = folder;
  page.link.phase = sync_phase::paging;
  page.link.url = "page:" + std::to_string(page_no);
  page.link.updated_at = 1'800'000'000'000 + static_cast<int64_t>(page_no);
  for (size_t i = first; i < first + count; ++i) {
    auto id = id_prefix + tenant + "-" + user + "-" + folder + "-" + std::to_string(i);
    uint64_t seed = std::hash<std::string>{}(id);
    page.items.push_back(make_email(tenant, user, folder, id, seed));
  }
  return page;
}

} // namespace m365::sample
