// The console's call-centre booking page (docs/WEB.md, "Pages"): the form
// that queues a booking into a store through Hub::QueueBooking (the same
// operation as `outpost-hub book`), the error of a refused one next to its
// field, and each request queued for the store with what the store made of
// it (hub/queries/requests.h). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hub/queries/requests.h"
#include "hub/web/html.h"

namespace outpost::hub::web {

// What the agent typed (kept on a refusal), by form field name: store,
// phone, name, date, slot, plate, service, notes.
using BookingForm = std::map<std::string, std::string>;

struct BookingPage {
  std::vector<std::string> stores;  // allowed stores, for the store field
  BookingForm form;
  std::string error_field;  // the field a refusal names ("" : above the form)
  std::string error;
  std::string done;  // what was queued, in words
  std::string csrf_token;
  std::vector<queries::RequestOutcome> requests;  // the store's, newest first
};

std::string BookingPageHtml(Lang lang, const BookingPage& page);

}  // namespace outpost::hub::web
