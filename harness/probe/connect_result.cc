#include "harness/probe/connect.h"
#include "harness/probe/outcome.h"

namespace nc::probe {

void add_reply(Json& j, const std::string& raw, bool truncated) {
  std::string_view text = trim(raw);
  j["reply"] = text;
  if (Json server = parse_object(text); !server.is_null()) j["server"] = std::move(server);
  if (truncated) j["truncated"] = true;
}

Json finish_result(Json j, std::string_view outcome, int err, const Stopwatch& sw) {
  j["outcome"] = outcome;
  j["duration_ms"] = sw.elapsed_ms();
  if (err > 0) j["error"] = errno_text(err);
  return j;
}

}  // namespace nc::probe
