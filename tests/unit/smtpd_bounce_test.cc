#include "mta/smtpd/bounce.h"

#include <gtest/gtest.h>

namespace posthorn::smtpd {
namespace {

BounceInput Input() {
  BounceInput in;
  in.hostname = "mx.example.org";
  in.queue_id = "ABCDEF012345";
  in.arrival = 1795300000;
  in.now = 1795310000;
  in.sender = "alice@example.net";
  in.original_headers = "Subject: hello\r\nFrom: alice@example.net\r\n";
  in.failed = {{"nobody@example.org", "5.1.1", "mda: unknown user <nobody@example.org>: no such user\n"}};
  return in;
}

TEST(SmtpdBounce, IsAMultipartReportFromMailerDaemon) {
  std::string m = BuildBounce(Input());
  EXPECT_EQ(m.rfind("From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\nTo: <alice@example.net>\r\n", 0), 0u);
  EXPECT_NE(m.find("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"ABCDEF012345.bounce/mx.example.org\"\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nFinal-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                   "Diagnostic-Code: X-Posthorn; mda: unknown user <nobody@example.org>: no such user\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nFrom: alice@example.net\r\n\r\n"
                   "--ABCDEF012345.bounce/mx.example.org--\r\n"),
            std::string::npos);
  // Every line ends in CR LF.
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_EQ(m[i - 1], '\r') << i;
    }
  }
}

TEST(SmtpdBounce, ExpiryWording) {
  BounceInput in = Input();
  in.failed[0].status = "4.4.7";
  std::string m = BuildBounce(in);
  EXPECT_NE(m.find("has given up on these recipients"), std::string::npos);
  EXPECT_NE(m.find("Status: 4.4.7\r\n"), std::string::npos);
}

TEST(SmtpdBounce, DiagnosticCannotInjectLines) {
  BounceInput in = Input();
  in.failed[0].diagnostic = "bad\r\nX-Injected: yes";
  std::string m = BuildBounce(in);
  EXPECT_EQ(m.find("\r\nX-Injected"), std::string::npos);
}

TEST(SmtpdBounce, StatusCodes) {
  EXPECT_EQ(StatusForExitCode(67), "5.1.1");
  EXPECT_EQ(StatusForExitCode(65), "5.6.0");
  EXPECT_EQ(StatusForExitCode(73), "5.2.0");
  EXPECT_EQ(StatusForExitCode(77), "5.7.1");
}

}  // namespace
}  // namespace posthorn::smtpd
