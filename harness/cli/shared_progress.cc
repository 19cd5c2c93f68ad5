#include "harness/cli/shared_progress.h"

#include <sys/mman.h>

#include <new>

namespace nc::cli {

SharedProgress* SharedProgress::create() {
  void* page = ::mmap(nullptr, sizeof(SharedProgress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return nullptr;
  return new (page) SharedProgress();
}

void SharedProgress::destroy(SharedProgress* p) {
  if (p == nullptr) return;
  p->~SharedProgress();
  ::munmap(p, sizeof(SharedProgress));
}

}  // namespace nc::cli
