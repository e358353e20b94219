// What the child-process tests share: a loop to run children on, and a
// shell script as the child.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/net/event_loop.h"
#include "common/process/child.h"

namespace posthorn::process {

class LoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = net::EventLoop::Create();
    ASSERT_TRUE(l.ok());
    loop_ = std::move(l).value();
  }
  static SpawnOptions Shell(const std::string& script) {
    SpawnOptions o;
    o.argv = {"/bin/sh", "-c", script};
    o.env = {"PATH=/usr/bin:/bin"};
    return o;
  }
  std::unique_ptr<net::EventLoop> loop_;
};

}  // namespace posthorn::process
