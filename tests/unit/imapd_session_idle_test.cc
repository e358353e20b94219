// IDLE (RFC 2177): the watch, changes pushed while idling, DONE.
#include <unistd.h>

#include <fstream>

#include "tests/unit/imapd_session_harness.h"

namespace posthorn::imapd {
namespace {

class ImapdIdle : public ImapdSession {
 protected:
  void Put(const std::string& rel) { std::ofstream(host_.maildir + "/" + rel) << "Subject: x\n\nbody\n"; }
  void Changed() {
    host_.sent.clear();
    session_->OnFolderChanged();
  }
};

TEST_F(ImapdIdle, PushesChangesUntilDone) {
  Put("cur/100.M1.h:2,");
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  EXPECT_EQ(Talk("b IDLE\r\n"), "+ idling\r\n");
  EXPECT_EQ(host_.watching, host_.maildir);
  Put("new/200.M1.h");  // mda delivers
  Changed();
  EXPECT_EQ(host_.sent, "* 2 EXISTS\r\n* 1 RECENT\r\n");
  ASSERT_EQ(::rename((host_.maildir + "/cur/100.M1.h:2,").c_str(), (host_.maildir + "/cur/100.M1.h:2,S").c_str()), 0);
  Changed();
  EXPECT_EQ(host_.sent, "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n");
  ASSERT_EQ(::unlink((host_.maildir + "/cur/100.M1.h:2,S").c_str()), 0);
  Changed();
  EXPECT_EQ(host_.sent, "* 1 EXPUNGE\r\n");  // allowed: no command is running
  EXPECT_EQ(Talk("done\r\n"), "b OK IDLE terminated\r\n");
  EXPECT_EQ(host_.watching, "");
  Changed();
  EXPECT_EQ(host_.sent, "");  // not idling: changes wait for NOOP
  EXPECT_EQ(Talk("c NOOP\r\n"), "c OK NOOP completed\r\n");
}

TEST_F(ImapdIdle, ChangesBeforeTheWatchAreSentAtOnce) {
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  Put("new/200.M1.h");
  EXPECT_EQ(Talk("b IDLE\r\n"), "+ idling\r\n* 1 EXISTS\r\n* 1 RECENT\r\n");
}

TEST_F(ImapdIdle, AnythingButDoneEndsItWithBad) {
  Open();
  LogIn();
  Talk("a SELECT INBOX\r\n");
  Talk("b IDLE\r\n");
  EXPECT_EQ(Talk("c NOOP\r\n"), "b BAD Expected DONE\r\n");
  EXPECT_EQ(host_.watching, "");
  EXPECT_EQ(Talk("d NOOP\r\n"), "d OK NOOP completed\r\n");
}

TEST_F(ImapdIdle, WorksUnselectedAndPipelinedDoneIsRead) {
  Open();
  LogIn();
  EXPECT_EQ(Talk("a IDLE\r\nDONE\r\nb NOOP\r\n"), "+ idling\r\na OK IDLE terminated\r\nb OK NOOP completed\r\n");
  EXPECT_EQ(host_.watching, "");
}

TEST_F(ImapdIdle, NeedsLoginAndTakesNoArguments) {
  Open();
  EXPECT_EQ(Talk("a IDLE\r\n"), "a BAD Log in first\r\n");
  LogIn();
  EXPECT_EQ(Talk("b IDLE now\r\n"), "b BAD IDLE takes no arguments\r\n");
}

TEST_F(ImapdIdle, AnEndlessLineEndsTheSession) {
  Open();
  LogIn();
  Talk("a IDLE\r\n");
  host_.sent.clear();
  session_->OnInput(std::string(10000, 'x'));
  EXPECT_EQ(host_.sent, "* BYE Line too long\r\n");
  EXPECT_TRUE(host_.closed);
}

}  // namespace
}  // namespace posthorn::imapd
