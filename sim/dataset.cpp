#include "sim/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "messages/ascii_case.hpp"
#include "sim/base64url.hpp"
#include "sim/seed_hash.hpp"
#include "sim/time_text.hpp"

namespace m365::sim {

namespace {

constexpr const char* tenant_slugs[] = {"contoso", "fabrikam", "northwind", "adatum", "litware",
                                        "woodgrove", "proseware", "relecloud"};
constexpr const char* first_names[] = {
  "Adele", "Alex", "Diego", "Grady", "Henrietta", "Isaiah", "Johanna", "Joni", "Lee", "Lidia",
  "Lynne", "Megan", "Miriam", "Nestor", "Patti", "Pradeep", "Dana", "Samantha", "Randi", "Elliot",
  "Jodie", "Irvin", "Debra", "Christie", "Enrico", "Allan", "Emily", "Raul", "Ben", "Cameron"};
constexpr const char* last_names[] = {
  "Vance", "Wilber", "Siciliani", "Archie", "Cellars", "Langer", "Lauer", "Sherman", "Gu", "Holloway",
  "Robbins", "Bowen", "Graham", "Wilke", "Fernandez", "Gupta", "Swope", "Booth", "Welch", "Hyde",
  "Sharp", "Sayers", "Berry", "Cline", "Catteneo", "Deyoung", "Braun", "Razo", "Andersen", "White"};
constexpr const char* client_domains[] = {
  "tailspintoys.com", "wingtiptoys.com", "fourthcoffee.com", "alpineskihouse.com",
  "margiestravel.com", "lucernepublishing.com", "treyresearch.net", "blueyonderairlines.com",
  "cohowinery.com", "humongousinsurance.com", "wideworldimporters.com", "southridgevideo.com"};
constexpr const char* topics[] = {
  "Q3 audit scope", "engagement letter", "transfer pricing review", "board pack", "due diligence findings",
  "tax provision", "IFRS 16 lease schedule", "budget forecast", "VAT reclaim", "cash flow model",
  "impairment test", "payroll migration", "acquisition timeline", "fee proposal", "risk assessment",
  "year-end close", "compliance checklist", "valuation report", "working capital analysis",
  "steering committee"};
constexpr const char* verbs[] = {"Draft", "Updated", "Final", "Comments on", "Question about",
                                 "Follow-up:", "Action items:", "Review of", "Call about", "Notes from"};
constexpr const char* newsletter_subjects[] = {
  "Newsletter: Tax update %s edition", "Your weekly digest", "Newsletter: Industry insights",
  "Webinar invitation: regulatory outlook", "Newsletter: Market briefing",
  "Your subscription summary"};
constexpr const char* automated_senders[] = {"noreply@planner.office365.com", "no-reply@sharepointonline.com",
                                             "noreply@docusign.net", "notifications@teams.microsoft.com"};
constexpr const char* categories_pool[] = {"Client", "Follow up", "Billing", "Red category",
                                           "Blue category", "Partner review"};
constexpr const char* months[] = {"January", "February", "March", "April", "May", "June",
                                  "July", "August", "September", "October", "November", "December"};
constexpr const char* event_subjects[] = {
  "Weekly team sync", "Client meeting", "Audit planning", "Lunch with client", "Partner review",
  "Tax workshop", "1:1", "Engagement kickoff", "Quarterly business review", "Training: Excel modelling",
  "Dentist", "Board preparation", "Fee negotiation call", "Site visit", "Year-end debrief"};
constexpr const char* locations[] = {"Conf Room 3", "Microsoft Teams Meeting", "Client office",
                                     "Fourth Coffee", "Harry's Bar", "Board room", ""};
constexpr const char* words[] = {
  "the", "client", "review", "schedule", "audit", "report", "please", "find", "attached", "draft",
  "we", "should", "discuss", "numbers", "before", "Friday", "team", "agreed", "to", "update",
  "forecast", "with", "latest", "figures", "and", "confirm", "the", "engagement", "scope", "thanks",
  "regards", "following", "our", "call", "I", "have", "revised", "assumptions", "for", "valuation",
  "let", "me", "know", "if", "you", "questions", "about", "fees", "or", "timeline", "partner",
  "signed", "off", "on", "memo", "tax", "position", "needs", "more", "support", "evidence"};

template <class T, size_t N>
const char* pick_of(const T (&arr)[N], uint64_t h) {
  return arr[h % N];
}

std::string hash_b64(uint64_t a, uint64_t b, size_t bytes) {
  std::string raw;
  for (size_t i = 0; i < bytes; ++i)
    raw.push_back(static_cast<char>(((i < 8 ? a : b) >> ((i % 8) * 8)) & 0xff));
  return base64_encode(raw);
}

} // namespace

std::string guid_from(uint64_t a, uint64_t b) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16 & 0xffff), static_cast<unsigned>((a & 0x0fff) | 0x4000),
                static_cast<unsigned>((b >> 48 & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string_view folder_well_known_name(uint16_t folder) noexcept {
  static constexpr std::string_view names[] = {"inbox", "sentitems", "archive", "deleteditems",
                                               "drafts", "junkemail"};
  return folder < folder_count ? names[folder] : std::string_view{};
}

std::string_view folder_display_name(uint16_t folder) noexcept {
  static constexpr std::string_view names[] = {"Inbox", "Sent Items", "Archive", "Deleted Items",
                                               "Drafts", "Junk Email"};
  return folder < folder_count ? names[folder] : std::string_view{};
}

dataset::dataset(const server_options& o)
  : seed_(o.seed), anchor_(o.anchor_time), messages_(o.messages), events_(o.events) {
  if (anchor_ == 0)
    anchor_ = unix_now() / 86400 * 86400;
  uint32_t tenant_count = std::max<uint32_t>(1, o.tenants);
  uint32_t user_count = std::max<uint32_t>(1, o.users);
  for (uint32_t t = 0; t < tenant_count; ++t) {
    tenant_info ti;
    ti.index = t;
    constexpr size_t named = sizeof(tenant_slugs) / sizeof(tenant_slugs[0]);
    ti.slug = t < named ? tenant_slugs[t] : "tenant" + std::to_string(t + 1);
    ti.domain = ti.slug + ".com";
    ti.directory_id = guid_from(hash_of({seed_, 1, t}), hash_of({seed_, 2, t}));
    ti.client_id = guid_from(hash_of({seed_, 3, t}), hash_of({seed_, 4, t}));
    std::string raw;
    for (int i = 0; i < 3; ++i) {
      uint64_t h = hash_of({seed_, 5, t, static_cast<uint64_t>(i)});
      raw.append(reinterpret_cast<const char*>(&h), 8);
    }
    ti.client_secret = "sim~" + base64url_encode(raw);
    ti.first_user = t * user_count;
    ti.user_count = user_count;
    for (uint32_t u = 0; u < user_count; ++u) {
      user_info ui;
      ui.index = t * user_count + u;
      ui.tenant = t;
      ui.id = guid_from(hash_of({seed_, 6, ui.index}), hash_of({seed_, 7, ui.index}));
      constexpr size_t nf = sizeof(first_names) / sizeof(first_names[0]);
      constexpr size_t nl = sizeof(last_names) / sizeof(last_names[0]);
      // Distinct first/last pairs within a tenant; the suffix only when the lists run out.
      uint64_t k = u + hash_of({seed_, 8, t}) % (nf * nl);
      std::string first = first_names[k % nf];
      std::string last = last_names[(k / nf + k) % nl];
      ui.display_name = first + " " + last;
      ui.upn = ascii_lower(first) + "." + ascii_lower(last);
      if (u >= nf * nl)
        ui.upn += std::to_string(u / (nf * nl));
      ui.upn += "@" + ti.domain;
      user_by_key_[ascii_lower(ui.id)] = ui.index;
      user_by_key_[ascii_lower(ui.upn)] = ui.index;
      users_.push_back(std::move(ui));
    }
    tenants_.push_back(std::move(ti));
  }
  build_pool();
}

const tenant_info* dataset::find_tenant(std::string_view name) const {
  std::string key = ascii_lower(name);
  for (auto& t : tenants_)
    if (key == t.directory_id || key == t.slug + ".onmicrosoft.com" || key == t.domain)
      return &t;
  return nullptr;
}

const tenant_info* dataset::find_tenant_by_slug(std::string_view slug) const {
  for (auto& t : tenants_)
    if (t.slug == slug)
      return &t;
  return nullptr;
}

const user_info* dataset::find_user(std::string_view id_or_upn) const {
  auto it = user_by_key_.find(ascii_lower(id_or_upn));
  return it == user_by_key_.end() ? nullptr : &users_[it->second];
}

email_address dataset::person_at(uint64_t h, std::string_view domain) const {
  std::string first = pick_of(first_names, h);
  std::string last = pick_of(last_names, h >> 20);
  return {first + " " + last, ascii_lower(first) + "." + ascii_lower(last) + "@" + std::string(domain)};
}

email_address dataset::client_contact(uint64_t h) const {
  return person_at(h, pick_of(client_domains, h >> 40));
}

void dataset::build_pool() {
  // ~640 KiB of sentences; bodies are slices starting at a sentence. Only characters that need no
  // JSON escaping, so a slice can be copied verbatim into a body.
  seeded_stream rng(hash_of({seed_, 99}));
  pool_.reserve(700 * 1024);
  while (pool_.size() < 640 * 1024) {
    if (rng.chance(0.2))
      pool_.append("<p>");
    sentence_starts_.push_back(static_cast<uint32_t>(pool_.size()));
    int n = 6 + static_cast<int>(rng.below(14));
    for (int i = 0; i < n; ++i) {
      std::string w = pick_of(words, rng.next());
      if (i == 0)
        w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      pool_.append(w);
      pool_.push_back(i + 1 == n ? '.' : ' ');
    }
    pool_.push_back(' ');
    if (rng.chance(0.15))
      pool_.append("</p>");
  }
}

std::string dataset::body_preview(uint32_t offset, uint32_t length) const {
  std::string out;
  std::string_view s = std::string_view(pool_).substr(offset, length);
  bool in_tag = false;
  for (char c : s) {
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '>') {
      in_tag = false;
      continue;
    }
    if (!in_tag)
      out.push_back(c);
    if (out.size() >= 255)
      break;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

uint16_t dataset::seeded_folder(uint32_t mailbox, uint32_t index) const noexcept {
  double r = unit_of(hash_of({seed_, 20, mailbox, index}));
  if (r < 0.64)
    return static_cast<uint16_t>(folder_kind::inbox);
  if (r < 0.84)
    return static_cast<uint16_t>(folder_kind::sentitems);
  if (r < 0.96)
    return static_cast<uint16_t>(folder_kind::archive);
  if (r < 0.99)
    return static_cast<uint16_t>(folder_kind::deleteditems);
  return static_cast<uint16_t>(folder_kind::junkemail);
}

message_fields dataset::seeded_message(uint32_t mailbox, uint32_t index) const {
  const user_info& me = users_[mailbox];
  const tenant_info& tenant = tenants_[me.tenant];
  message_fields m;
  uint16_t folder = seeded_folder(mailbox, index);
  bool sent = folder == static_cast<uint16_t>(folder_kind::sentitems);
  // Shared deliveries: users u, u+S, u+2S … (S = ceil(U/3)) form a group, spanning tenants when
  // tenants are contiguous blocks; a shared slot carries the same message to the whole group.
  uint32_t total = static_cast<uint32_t>(users_.size());
  uint32_t stride = std::max<uint32_t>(1, (total + 2) / 3);
  uint32_t group = mailbox % stride;
  bool shared = !sent && total > 1 && unit_of(hash_of({seed_, 21, group, index})) < 0.15;
  uint64_t h = shared ? hash_of({seed_, 22, group, index}) : hash_of({seed_, 23, mailbox, index});
  seeded_stream rng(h);

  // Received: spread over the two years before the anchor, newer slots more recent.
  int64_t span = 730LL * 86400;
  int64_t age = static_cast<int64_t>(span * (1.0 - (index + rng.unit()) / std::max<uint32_t>(1, messages_)));
  m.received = anchor_ - 3600 - std::max<int64_t>(0, age);
  m.sent = m.received - 1 - static_cast<int64_t>(rng.below(120));

  double kind = rng.unit();
  std::string base_topic = pick_of(topics, rng.next());
  if (shared) {
    m.from = client_contact(rng.next());
    for (uint32_t k = group; k < total; k += stride)
      m.to.push_back({users_[k].display_name, users_[k].upn});
    m.subject = std::string(pick_of(verbs, rng.next())) + " " + base_topic;
    m.conversation_id = "AAQkAD" + hash_b64(h, mix64(h), 12);
    m.categories.push_back("Client");
  } else if (!sent && kind < 0.12) {
    // Newsletters and automated notifications.
    if (rng.chance(0.6)) {
      std::string domain = "news." + std::string(pick_of(client_domains, rng.next()));
      m.from = {"Newsletter", "newsletter@" + domain};
      char buf[128];
      std::snprintf(buf, sizeof buf, pick_of(newsletter_subjects, rng.next()), pick_of(months, rng.next()));
      m.subject = buf;
    } else {
      std::string addr = pick_of(automated_senders, rng.next());
      m.from = {"Microsoft Planner", addr};
      m.subject = "You have late tasks!";
    }
    m.to.push_back({me.display_name, me.upn});
    m.inference = "other";
    m.conversation_id = "AAQkAD" + hash_b64(h, 7, 12);
  } else {
    // Threads: slots come in groups of four on the same conversation, later ones are replies.
    uint64_t th = hash_of({seed_, 24, mailbox, index / 4});
    seeded_stream trng(th);
    std::string thread_topic = std::string(pick_of(verbs, trng.next())) + " " + pick_of(topics, trng.next());
    bool external = trng.chance(0.55);
    email_address counterpart = external ? client_contact(trng.next()) : person_at(trng.next(), tenant.domain);
    if (counterpart.address == me.upn)
      counterpart = client_contact(trng.next());
    unsigned depth = index % 4;
    m.subject = depth == 0 ? thread_topic : (rng.chance(0.2) ? "FW: " : "RE: ") + thread_topic;
    m.conversation_id = "AAQkAD" + hash_b64(th, mix64(th), 12);
    email_address self{me.display_name, me.upn};
    if (sent) {
      m.from = self;
      m.to.push_back(counterpart);
      m.is_read = true;
    } else {
      m.from = counterpart;
      m.to.push_back(self);
    }
    if (rng.chance(0.3))
      m.cc.push_back(person_at(rng.next(), tenant.domain));
  }
  m.internet_message_id = "<" + hash_b64(h, mix64(h ^ 5), 16) + "@" +
                          std::string(m.from.address.substr(m.from.address.find('@') + 1)) + ">";
  // Drop base64 characters that are unusual in Message-IDs.
  for (auto& c : m.internet_message_id)
    if (c == '/' || c == '+' || c == '=')
      c = c == '/' ? 'x' : (c == '+' ? 'y' : 'z');
  m.is_read = m.is_read || rng.chance(0.7);
  m.has_attachments = rng.chance(0.18);
  double imp = rng.unit();
  m.importance = imp < 0.07 ? "high" : (imp < 0.11 ? "low" : "normal");
  if (m.categories.empty() && rng.chance(0.12))
    m.categories.push_back(pick_of(categories_pool, rng.next()));
  if (rng.chance(0.05))
    m.flag_status = "flagged";
  // Body size: log-normal, median ~3 KB, long tail to a few hundred KB.
  double sz = std::exp(std::log(3000.0) + 1.0 * normal_of(rng.next(), rng.next()));
  uint32_t len = static_cast<uint32_t>(std::clamp(sz, 200.0, 400000.0));
  if (m.has_attachments && rng.chance(0.3))
    len = std::min<uint32_t>(len * 3, 400000);
  uint32_t max_start = static_cast<uint32_t>(pool_.size()) - len;
  auto it = std::upper_bound(sentence_starts_.begin(), sentence_starts_.end(),
                             static_cast<uint32_t>(rng.below(max_start)));
  m.body_offset = it == sentence_starts_.begin() ? 0 : *(it - 1);
  if (m.body_offset > max_start)
    m.body_offset = 0;
  m.body_length = len;
  return m;
}

event_fields dataset::seeded_event(uint32_t mailbox, uint32_t index) const {
  const user_info& me = users_[mailbox];
  const tenant_info& tenant = tenants_[me.tenant];
  uint64_t h = hash_of({seed_, 40, mailbox, index});
  seeded_stream rng(h);
  event_fields e;
  e.subject = pick_of(event_subjects, rng.next());
  e.location = pick_of(locations, rng.next());
  e.is_online_meeting = e.location == "Microsoft Teams Meeting";
  double s = rng.unit();
  e.sensitivity = s < 0.08 ? "private" : (s < 0.11 ? "confidential" : (s < 0.14 ? "personal" : "normal"));
  double sa = rng.unit();
  e.show_as = sa < 0.7 ? "busy" : (sa < 0.82 ? "tentative" : (sa < 0.92 ? "free" : "oof"));
  e.ical_uid = "040000008200E00074C5B7101A82E008000000" + hash_b64(h, mix64(h), 16);
  for (auto& c : e.ical_uid)
    if (c == '/' || c == '+' || c == '=')
      c = 'A';
  e.body_html = "<html><head></head><body>" + std::string(pick_of(topics, rng.next())) + "</body></html>";
  e.organizer = {me.display_name, me.upn};
  e.is_organizer = rng.chance(0.6);
  if (!e.is_organizer)
    e.organizer = rng.chance(0.5) ? client_contact(rng.next()) : person_at(rng.next(), tenant.domain);
  int na = static_cast<int>(rng.below(4));
  for (int i = 0; i < na; ++i)
    e.attendees.push_back(rng.chance(0.5) ? client_contact(rng.next()) : person_at(rng.next(), tenant.domain));
  if (rng.chance(0.15))
    e.categories.push_back(pick_of(categories_pool, rng.next()));
  // Start: from 60 days before the anchor to 180 days after, on the half hour, office hours.
  int64_t day = anchor_ / 86400 - 60 + static_cast<int64_t>(rng.below(240));
  int64_t start = day * 86400 + (8 + static_cast<int64_t>(rng.below(9))) * 3600 + (rng.chance(0.5) ? 1800 : 0);
  int64_t dur = (1 + static_cast<int64_t>(rng.below(4))) * 1800;
  e.is_all_day = rng.chance(0.05);
  if (e.is_all_day) {
    start = day * 86400;
    dur = 86400;
  }
  e.start = start;
  e.end = start + dur;
  e.created = std::min(anchor_, start) - 86400 * static_cast<int64_t>(1 + rng.below(30));
  e.modified = e.created + static_cast<int64_t>(rng.below(3600));
  if (!e.is_all_day && rng.chance(0.22)) {
    recurrence_rule r;
    bool daily = rng.chance(0.25);
    r.type = daily ? "daily" : "weekly";
    r.interval = 1;
    int64_t dow = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
    if (!daily)
      r.days_of_week.push_back(static_cast<int>(dow));
    r.range_start = day * 86400;
    r.count = 4 + static_cast<int>(rng.below(16));
    e.recurrence = r;
    e.subject = daily ? "Daily stand-up" : "Weekly team sync";
    // One moved and one cancelled occurrence in most series.
    if (rng.chance(0.7)) {
      int step = daily ? 1 : 7;
      occurrence_exception moved;
      moved.original_start = e.start + 86400LL * step;
      moved.start = moved.original_start + 3600;
      moved.end = moved.start + dur;
      e.exceptions.push_back(moved);
      occurrence_exception cancelled;
      cancelled.original_start = e.start + 2 * 86400LL * step;
      cancelled.cancelled = true;
      e.exceptions.push_back(cancelled);
    }
  }
  return e;
}

} // namespace m365::sim
