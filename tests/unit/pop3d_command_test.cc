// POP3 command lines: the verb, the arguments, the raw rest (PASS), and
// the numbers RETR/LIST/TOP take.
#include "mra/pop3d/command.h"

#include <gtest/gtest.h>

namespace posthorn::pop3d {
namespace {

using Args = std::vector<std::string>;

TEST(Pop3Command, EveryVerbIsKnownInAnyCase) {
  const std::pair<const char*, Verb> verbs[] = {
      {"USER", Verb::kUser}, {"PASS", Verb::kPass}, {"QUIT", Verb::kQuit}, {"STAT", Verb::kStat},
      {"LIST", Verb::kList}, {"RETR", Verb::kRetr}, {"DELE", Verb::kDele}, {"NOOP", Verb::kNoop},
      {"RSET", Verb::kRset}, {"TOP", Verb::kTop},   {"UIDL", Verb::kUidl}, {"CAPA", Verb::kCapa},
      {"STLS", Verb::kStls}, {"AUTH", Verb::kAuth},
  };
  for (const auto& [name, verb] : verbs) {
    std::string upper = name, lower = name, mixed = name;
    for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
    mixed[0] = static_cast<char>(mixed[0] - 'A' + 'a');
    for (const std::string& spelling : {upper, lower, mixed}) {
      Command c = ParseCommand(spelling);
      EXPECT_EQ(c.verb, verb) << spelling;
      EXPECT_EQ(c.args, Args{}) << spelling;
      EXPECT_EQ(c.rest, "") << spelling;
    }
  }
}

TEST(Pop3Command, UnknownVerbs) {
  for (const char* line : {"FOO", "USERX", "USE", "RETR1", "XTND XMIT", "TO P 1 2", "\tUSER bob", " USER bob",
                           "USER\tbob", "ÜSER bob", "QUIT\r"}) {
    EXPECT_EQ(ParseCommand(line).verb, Verb::kUnknown) << line;
  }
}

TEST(Pop3Command, EmptyLineIsUnknownWithNothingElse) {
  Command c = ParseCommand("");
  EXPECT_EQ(c.verb, Verb::kUnknown);
  EXPECT_EQ(c.args, Args{});
  EXPECT_EQ(c.rest, "");
}

TEST(Pop3Command, ArgumentsSplitOnRunsOfSpaces) {
  Command c = ParseCommand("TOP 1 10");
  EXPECT_EQ(c.verb, Verb::kTop);
  EXPECT_EQ(c.args, (Args{"1", "10"}));
  EXPECT_EQ(c.rest, "1 10");

  c = ParseCommand("top   1    10   ");
  EXPECT_EQ(c.verb, Verb::kTop);
  EXPECT_EQ(c.args, (Args{"1", "10"}));
  EXPECT_EQ(c.rest, "  1    10   ");

  c = ParseCommand("LIST ");
  EXPECT_EQ(c.verb, Verb::kList);
  EXPECT_EQ(c.args, Args{});
  EXPECT_EQ(c.rest, "");

  c = ParseCommand("LIST    ");
  EXPECT_EQ(c.verb, Verb::kList);
  EXPECT_EQ(c.args, Args{});
  EXPECT_EQ(c.rest, "   ");

  c = ParseCommand("USER bob@example.org");
  EXPECT_EQ(c.verb, Verb::kUser);
  EXPECT_EQ(c.args, Args{"bob@example.org"});
  EXPECT_EQ(c.rest, "bob@example.org");

  // Tabs are not separators.
  c = ParseCommand("UIDL 1\t2");
  EXPECT_EQ(c.args, Args{"1\t2"});
}

TEST(Pop3Command, RestKeepsPasswordsWithSpaces) {
  Command c = ParseCommand("PASS my  secret pw ");
  EXPECT_EQ(c.verb, Verb::kPass);
  EXPECT_EQ(c.rest, "my  secret pw ");
  EXPECT_EQ(c.args, (Args{"my", "secret", "pw"}));

  c = ParseCommand("pass  leading");
  EXPECT_EQ(c.verb, Verb::kPass);
  EXPECT_EQ(c.rest, " leading");

  c = ParseCommand("PASS");
  EXPECT_EQ(c.verb, Verb::kPass);
  EXPECT_EQ(c.rest, "");
  EXPECT_EQ(c.args, Args{});
}

TEST(Pop3Command, AuthWithInitialResponse) {
  Command c = ParseCommand("AUTH PLAIN AGJvYkBleGFtcGxlLm9yZwBzZWNyZXQ=");
  EXPECT_EQ(c.verb, Verb::kAuth);
  EXPECT_EQ(c.args, (Args{"PLAIN", "AGJvYkBleGFtcGxlLm9yZwBzZWNyZXQ="}));
}

TEST(Pop3Command, MessageNumbers) {
  EXPECT_EQ(ParseMessageNumber("1"), std::optional<size_t>(1));
  EXPECT_EQ(ParseMessageNumber("42"), std::optional<size_t>(42));
  EXPECT_EQ(ParseMessageNumber("007"), std::optional<size_t>(7));
  EXPECT_EQ(ParseMessageNumber("000000001"), std::optional<size_t>(1));
  EXPECT_EQ(ParseMessageNumber("999999999"), std::optional<size_t>(999999999));
  for (const char* bad : {"0", "00", "000000000", "", "1234567890", "0000000001", "+1", "-1", " 1", "1 ", "1a",
                          "a1", "x", "1.0", "0x1", "١"}) {
    EXPECT_EQ(ParseMessageNumber(bad), std::nullopt) << bad;
  }
}

TEST(Pop3Command, Counts) {
  EXPECT_EQ(ParseCount("0"), std::optional<size_t>(0));
  EXPECT_EQ(ParseCount("00"), std::optional<size_t>(0));
  EXPECT_EQ(ParseCount("5"), std::optional<size_t>(5));
  EXPECT_EQ(ParseCount("0010"), std::optional<size_t>(10));
  EXPECT_EQ(ParseCount("999999999"), std::optional<size_t>(999999999));
  for (const char* bad : {"", "1234567890", "9999999999", "+0", "-0", "-5", " 5", "5 ", "5x", "x", "1e3"}) {
    EXPECT_EQ(ParseCount(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace posthorn::pop3d
