// SEARCH arguments from text, as the parser hands them to the session:
// shared by the imapd_search_*_test.cc files.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/imap/parser.h"
#include "mra/imapd/search_program.h"

namespace posthorn::testing {

// The arguments of "t SEARCH <text>"; literals in `text` are answered.
inline std::vector<imap::Arg> SearchArgs(const std::string& text) {
  imap::Parser parser;
  std::string line = "t SEARCH" + (text.empty() ? "" : " " + text) + "\r\n";
  std::string_view rest = line;
  imap::Event e = parser.Feed(rest);
  while (e.kind == imap::Event::Kind::kContinuation) {
    parser.ContinuationSent();
    rest.remove_prefix(e.consumed);
    e = parser.Feed(rest);
  }
  EXPECT_EQ(e.kind, imap::Event::Kind::kCommand) << text;
  return e.command.args;
}

// The command for `text`, which must be a valid one.
inline imapd::SearchCommand ParseSearch(const std::string& text) {
  imapd::SearchCommand cmd;
  imapd::SearchError error;
  EXPECT_TRUE(imapd::ParseSearchCommand(SearchArgs(text), &cmd, &error)) << text << ": " << error.text;
  return cmd;
}

}  // namespace posthorn::testing
