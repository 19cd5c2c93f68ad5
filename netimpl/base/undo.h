// An undo list for multi-step setup: each step that succeeded pushes its inverse; if the
// setup fails before commit(), the destructor runs the inverses newest-first. Inverses
// must not throw; their errors are ignored (teardown is best-effort and idempotent).
#pragma once

#include <functional>
#include <vector>

namespace nc {

class UndoList {
 public:
  UndoList() = default;
  UndoList(const UndoList&) = delete;
  UndoList& operator=(const UndoList&) = delete;
  ~UndoList() { rollback(); }

  void push(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
  // The setup succeeded: forget the inverses.
  void commit() { steps_.clear(); }
  void rollback() {
    while (!steps_.empty()) {
      auto f = std::move(steps_.back());
      steps_.pop_back();
      if (f) f();
    }
  }

 private:
  std::vector<std::function<void()>> steps_;
};

}  // namespace nc
