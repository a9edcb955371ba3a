// Time as a value that can be replaced in tests (session expiry, throttling).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sb {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch.
  virtual int64_t now() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock the test moves by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start) : now_(start) {}
  int64_t now() const override { return now_.load(); }
  void advance(int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace sb
