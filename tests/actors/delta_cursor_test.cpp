// The link state machine of one stream: which link is followed after a mailbox change.
#include <catch2/catch.hpp>

#include "actors/delta_cursor.hpp"

using namespace m365;

namespace {

delta_link caught_up_link(const std::string& mailbox) {
  delta_link l;
  l.tenant = "contoso";
  l.user = "u-1";
  l.folder = "inbox";
  l.phase = sync_phase::caught_up;
  l.url = "https://graph.microsoft.com/v1.0/users/x/messages/delta?$deltatoken=abc";
  l.generation = 3;
  l.mailbox = mailbox;
  return l;
}

} // namespace

TEST_CASE("a link of the same mailbox is followed, whatever the address's case",
          "[actors][cursor]") {
  delta_cursor c{caught_up_link("Adele.Vance@contoso.com")};
  CHECK_FALSE(c.use_mailbox("adele.vance@CONTOSO.com", 10));
  CHECK(c.phase() == sync_phase::caught_up);
  CHECK(c.committed().generation == 3);
  CHECK(c.next_url() == caught_up_link("").url);
  CHECK(c.committed().mailbox == "adele.vance@CONTOSO.com");
}

TEST_CASE("a link stored before links named their mailbox is taken as the current mailbox's",
          "[actors][cursor]") {
  delta_cursor c{caught_up_link("")};
  CHECK_FALSE(c.use_mailbox("adele@contoso.com", 10));
  CHECK(c.next_url() == caught_up_link("").url);
  CHECK(c.committed().mailbox == "adele@contoso.com");
  // Pages of this stream now store the mailbox with their link.
  CHECK(c.link_for_page("next", false, 11).mailbox == "adele@contoso.com");
}

TEST_CASE("a link of another mailbox is not followed: the stream resyncs the new one",
          "[actors][cursor]") {
  delta_cursor c{caught_up_link("adele@contoso.com")};
  CHECK(c.use_mailbox("megan@contoso.com", 10));
  CHECK(c.phase() == sync_phase::resync);
  CHECK(c.next_url().empty());
  CHECK(c.committed().generation == 4);
  auto page = c.link_for_page("next", true, 11);
  CHECK(page.mailbox == "megan@contoso.com");
  CHECK(page.phase == sync_phase::resync);  // the final page sweeps generation 3
}

TEST_CASE("a calendar link of another window starts a fresh delta round over the new window",
          "[actors][cursor]") {
  auto link = caught_up_link("adele@contoso.com");
  link.folder = "calendar";
  link.window_start = 100;
  link.window_end = 200;
  delta_cursor same{link};
  CHECK_FALSE(same.use_window(100, 200));
  CHECK(same.next_url() == link.url);
  CHECK(same.phase() == sync_phase::caught_up);

  delta_cursor rolled{link};
  CHECK(rolled.use_window(150, 250));
  CHECK(rolled.next_url().empty());
  CHECK(rolled.phase() == sync_phase::initial);
  CHECK(rolled.committed().window_start == 150);
  CHECK(rolled.committed().window_end == 250);
  CHECK(rolled.committed().generation == 3);  // no sweep: events outside the window stay
}

TEST_CASE("an unfinished resync keeps sweeping when the calendar window rolls",
          "[actors][cursor]") {
  auto link = caught_up_link("adele@contoso.com");
  link.folder = "calendar";
  delta_cursor c{link};
  c.on_gone(5);
  REQUIRE(c.phase() == sync_phase::resync);
  CHECK(c.use_window(150, 250));
  CHECK(c.phase() == sync_phase::resync);
  CHECK(c.committed().generation == 4);
}
